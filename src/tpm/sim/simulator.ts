/**
 * TpmSimulator: one embedded TPM 2.0 (the default vTPM of a node). It owns a TpmState, runs
 * commands one at a time through the pipeline in exec.ts, and persists the NV part of its state
 * through the injected TpmNvStore after every command that changed it.
 *
 * Power model (Part 1 §12): `powerOn()` is _TPM_Init (volatile state cleared, NV state loaded);
 * the host then sends TPM2_Startup (or calls `startup()`); `powerOff()` saves the clock and
 * drops everything volatile. The locality of subsequent commands is set with `setLocality()`
 * (swtpm's control channel does the same); firmware starts the TPM at locality 3, so PCR 0
 * begins …03 as real Azure/QEMU boot logs show.
 */
import type { Transport } from '../client/transport.js';
import { TPM_CC, TPM_SU } from '../types/constants.js';
import { TpmError, TPM_RC } from '../rc.js';
import { commandAttributes, DISPATCH } from './dispatch.js';
import { errorResponse, executeCommand, type Logger } from './exec.js';
import { defaultEntropy, type TpmPlatform } from './platform.js';
import { makeProfile, type TpmProfile } from './profile.js';
import { Hierarchies } from './state/hierarchy.js';
import { applyImage, decodeImage, encodeImage, imageOf } from './state/persist.js';
import { TpmState } from './tpm-state.js';

export interface SimulatorOptions {
  profile?: Partial<TpmProfile>;
  /** Called after every command with its code and response code (and any internal error). */
  log?: Logger;
}

const COMMAND_ATTRIBUTES = commandAttributes();

export class TpmSimulator {
  readonly platform: TpmPlatform;
  readonly profile: TpmProfile;
  private tpmState: TpmState | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private busy = 0;
  private locality = 0;
  private readonly log: Logger | undefined;

  constructor(platform: TpmPlatform, opts: SimulatorOptions = {}) {
    this.platform = platform;
    this.profile = makeProfile(opts.profile);
    this.log = opts.log;
  }

  /** The live state (tests and the manufacturing code inspect it); undefined while powered off. */
  get state(): TpmState | undefined {
    return this.tpmState;
  }

  get poweredOn(): boolean {
    return this.tpmState !== undefined;
  }

  /**
   * _TPM_Init: load the persistent state (creating fresh primary seeds for a TPM that was never
   * manufactured) and clear everything volatile. Throws if the stored state is corrupt.
   */
  powerOn(opts: { locality?: number } = {}): void {
    if (opts.locality !== undefined) this.locality = opts.locality;
    const random = this.platform.entropy ?? defaultEntropy;
    const fresh = new Hierarchies({ eps: random(this.profile.seedSize), sps: random(this.profile.seedSize), pps: random(this.profile.seedSize), nullSeed: random(this.profile.seedSize) });
    const tpm = new TpmState(this.profile, this.platform, fresh);
    tpm.commandAttributes = COMMAND_ATTRIBUTES;
    const saved = this.platform.nv.load();
    if (saved) applyImage(tpm, decodeImage(saved));
    else this.platform.nv.save(encodeImage(imageOf(tpm)));
    tpm.locality = this.locality;
    tpm.timeEpoch = tpm.now();
    this.tpmState = tpm;
  }

  /** Power loss: persist the clock, drop volatile state. Commands then fail until powerOn(). */
  powerOff(): void {
    const tpm = this.tpmState;
    if (!tpm) return;
    this.platform.nv.save(encodeImage(imageOf(tpm)));
    this.tpmState = undefined;
  }

  /** Set the locality of the following commands (0–4). */
  setLocality(locality: number): void {
    if (!Number.isInteger(locality) || locality < 0 || locality > 4) throw new RangeError(`locality ${locality}`);
    this.locality = locality;
    if (this.tpmState) this.tpmState.locality = locality;
  }

  getLocality(): number {
    return this.locality;
  }

  /**
   * Execute one command; always resolves with a response (errors are TPM response codes).
   * Commands run one at a time: while a command that awaits (key generation) is running, later
   * ones queue behind it.
   */
  execute(command: Uint8Array): Promise<Uint8Array> {
    if (this.busy === 0) {
      const r = this.run(command);
      return r instanceof Promise ? r : Promise.resolve(r);
    }
    const p = this.queue.then(() => this.run(command));
    this.queue = p.catch(() => undefined);
    return p;
  }

  private run(command: Uint8Array): Uint8Array | Promise<Uint8Array> {
    const tpm = this.tpmState;
    // A powered-off TPM does not answer; report it as a TPM that needs _TPM_Init.
    if (!tpm) return errorResponse(TPM_RC.INITIALIZE);
    const r = executeCommand(tpm, DISPATCH, command, this.log);
    if (!(r instanceof Promise)) {
      this.persist(tpm);
      return r;
    }
    this.busy++;
    const p = r.finally(() => {
      this.busy--;
      this.persist(tpm);
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Save the NV part of the state when the last command changed it. */
  private persist(tpm: TpmState): void {
    if (!tpm.dirty) return;
    tpm.dirty = false;
    this.platform.nv.save(encodeImage(imageOf(tpm)));
  }

  /** Convenience: TPM2_Startup(type) at the current locality. */
  async startup(type: number = TPM_SU.CLEAR): Promise<void> {
    const cmd = new Uint8Array([0x80, 0x01, 0, 0, 0, 12, 0, 0, (TPM_CC.Startup >> 8) & 0xff, TPM_CC.Startup & 0xff, type >> 8, type & 0xff]);
    const r = await this.execute(cmd);
    const rc = new DataView(r.buffer, r.byteOffset).getUint32(6);
    if (rc !== 0) throw new TpmError(rc, 'TPM2_Startup');
  }

  /** A Transport for TpmClient over this simulator (in-process). */
  transport(): Transport {
    return { send: (c) => this.execute(c) };
  }
}
