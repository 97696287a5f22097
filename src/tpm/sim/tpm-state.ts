/**
 * All state of one simulated TPM, split as the issue asks: PCR banks, NV indices, objects,
 * sessions and hierarchies, plus clock/reset counters and the start-up status. Command actions
 * receive this object; nothing is global, so thousands of vTPMs live side by side in one
 * process (ms-tpm-20-ref's g_ globals are what the model-codebases notes tell us to avoid).
 */
import { defaultEntropy, type TpmPlatform } from './platform.js';
import type { TpmProfile } from './profile.js';
import { Hierarchies } from './state/hierarchy.js';
import { NvIndices } from './state/nv.js';
import { ObjectStore } from './state/objects.js';
import { PcrBanks } from './state/pcr-banks.js';
import { SessionStore } from './state/sessions.js';

export class TpmState {
  readonly profile: TpmProfile;
  readonly platform: TpmPlatform;
  readonly pcrs: PcrBanks;
  readonly objects: ObjectStore;
  readonly sessions: SessionStore;
  readonly nv = new NvIndices();
  hierarchy: Hierarchies;

  /** TPM Clock at the last load/save, and the platform time then (Part 2 §10.11.1). */
  clockBase = 0n;
  private clockEpoch: number;
  resetCount = 0;
  restartCount = 0;

  /** True between TPM2_Startup and power-off. */
  started = false;
  /** Locality of the commands being sent (set by the platform / swtpm control channel). */
  locality = 0;
  /** Last Shutdown type since Startup, or undefined (no orderly shutdown). */
  shutdownType: number | undefined;
  /** PCR values saved by Shutdown(STATE) for Startup(STATE). */
  savedPcrs: { values: ReturnType<PcrBanks['snapshot']>; counter: number } | undefined;
  /** TPMS_CONTEXT sequence counter (Part 1 §30.3). */
  contextSequence = 1n;
  /** Set by actions that change persistent state; the simulator then saves it. */
  dirty = false;
  /** TPMA_CC of every implemented command (filled by the simulator from its dispatch table). */
  commandAttributes: number[] = [];
  /** Platform time at the last _TPM_Init: TPM Time counts from there (Part 2 §10.11.6). */
  timeEpoch = 0;

  constructor(profile: TpmProfile, platform: TpmPlatform, hierarchy: Hierarchies) {
    this.profile = profile;
    this.platform = platform;
    this.pcrs = new PcrBanks(profile.pcrBanks);
    this.objects = new ObjectStore(profile.transientSlots);
    this.sessions = new SessionStore(profile.loadedSessions, profile.activeSessions);
    this.hierarchy = hierarchy;
    this.clockEpoch = this.now();
  }

  random(n: number): Uint8Array {
    return (this.platform.entropy ?? defaultEntropy)(n);
  }

  now(): number {
    return (this.platform.now ?? Date.now)();
  }

  /** TPM Clock in milliseconds (advances only while powered). */
  clock(): bigint {
    return this.clockBase + BigInt(Math.max(0, Math.floor(this.now() - this.clockEpoch)));
  }

  /** Restart the clock counting from `base` (at load and at power-on). */
  setClock(base: bigint): void {
    this.clockBase = base;
    this.clockEpoch = this.now();
  }

  /** TPMS_CLOCK_INFO of this moment. */
  clockInfo(): { clock: bigint; resetCount: number; restartCount: number; safe: boolean } {
    return { clock: this.clock(), resetCount: this.resetCount, restartCount: this.restartCount, safe: true };
  }
}
