/**
 * Authorization sessions in the TPM (TPM 2.0 Part 1 §19, ms-tpm-20-ref Session.c). A session
 * is loaded or saved (after TPM2_ContextSave); `loadedSessions` may be loaded at once and
 * `activeSessions` exist in total (TPM_RC_SESSION_MEMORY / TPM_RC_SESSION_HANDLES otherwise).
 * Handles are 0x02xxxxxx (HMAC) or 0x03xxxxxx (policy/trial) with a shared slot number.
 */
import { TPM_HR, TPM_SE } from '../../types/constants.js';
import type { TPMT_SYM_DEF } from '../../types/schemes.js';

export interface PolicyState {
  policyDigest: Uint8Array;
  commandCode: number;
  isAuthValueNeeded: boolean;
  isPasswordNeeded: boolean;
  /** pcrUpdateCounter recorded by PolicyPCR, checked at use (TPM_RC_PCR_CHANGED). */
  pcrCounter?: number;
  /** cpHash the policy is bound to (PolicySecret cpHashA), checked at use. */
  cpHash?: Uint8Array;
}

export interface SimSession {
  handle: number;
  type: number;
  hashAlg: number;
  symmetric: TPMT_SYM_DEF;
  sessionKey: Uint8Array;
  nonceTPM: Uint8Array;
  /** Name ‖ trimmed authValue of the bind entity (ms-tpm boundEntity), HMAC sessions only. */
  boundEntity?: Uint8Array;
  policy: PolicyState;
  /** Set while the context is saved outside the TPM. */
  savedSequence?: bigint;
}

export function emptyPolicy(size: number): PolicyState {
  return { policyDigest: new Uint8Array(size), commandCode: 0, isAuthValueNeeded: false, isPasswordNeeded: false };
}

export class SessionStore {
  private readonly sessions = new Map<number, SimSession>();
  readonly loadedMax: number;
  readonly activeMax: number;

  constructor(loadedMax: number, activeMax: number) {
    this.loadedMax = loadedMax;
    this.activeMax = activeMax;
  }

  get(handle: number): SimSession | undefined {
    return this.sessions.get(handle);
  }

  /** A loaded session (not saved) of the handle's type. */
  getLoaded(handle: number): SimSession | undefined {
    const s = this.sessions.get(handle);
    return s && s.savedSequence === undefined ? s : undefined;
  }

  get loadedCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.savedSequence === undefined) n++;
    return n;
  }

  get activeCount(): number {
    return this.sessions.size;
  }

  handles(range: number): number[] {
    return [...this.sessions.values()]
      .filter((s) => (range === TPM_HR.HMAC_SESSION ? s.handle >>> 24 === 2 : s.handle >>> 24 === 3))
      .map((s) => s.handle)
      .sort((a, b) => a - b);
  }

  savedHandles(): number[] {
    return [...this.sessions.values()].filter((s) => s.savedSequence !== undefined).map((s) => s.handle);
  }

  /** Allocate a handle for a new session; 'memory' / 'handles' when out of room. */
  allocate(type: number): number | 'memory' | 'handles' {
    if (this.loadedCount >= this.loadedMax) return 'memory';
    if (this.sessions.size >= this.activeMax) return 'handles';
    const base = type === TPM_SE.HMAC ? TPM_HR.HMAC_SESSION : TPM_HR.POLICY_SESSION;
    for (let i = 0; i < this.activeMax; i++) {
      if (!this.sessions.has((TPM_HR.HMAC_SESSION + i) >>> 0) && !this.sessions.has((TPM_HR.POLICY_SESSION + i) >>> 0)) return (base + i) >>> 0;
    }
    return 'handles';
  }

  add(s: SimSession): void {
    this.sessions.set(s.handle, s);
  }

  flush(handle: number): boolean {
    return this.sessions.delete(handle);
  }

  clear(): void {
    this.sessions.clear();
  }
}
