/**
 * What the simulator needs from the world, injected (ms-tpm-20-ref keeps the same split
 * between the TPM core and Platform/): persistent storage, entropy, time and locality.
 *
 * Persistence contract: everything a real TPM keeps in NV (seeds, hierarchy authorizations,
 * NV indices, persistent objects, clock and reset counters) goes through `TpmNvStore` as one
 * compact blob (a few KB per vTPM; sim/state/persist.ts). PCRs, loaded objects and sessions are
 * volatile and reset at power cycle, as on real hardware.
 */
import { randomBytes } from 'node:crypto';

export interface TpmNvStore {
  /** The last saved state, or undefined for a TPM that was never manufactured. */
  load(): Uint8Array | undefined;
  /** Persist the new state (called after every command that changed NV). */
  save(state: Uint8Array): void;
}

export interface TpmPlatform {
  nv: TpmNvStore;
  /** Random bytes (default node:crypto). Tests inject a deterministic source. */
  entropy?: (n: number) => Uint8Array;
  /** Milliseconds, monotonic enough for TPM Clock (default Date.now). */
  now?: () => number;
}

/** An NV store held in memory (tests, and platforms that persist the blob themselves). */
export class MemoryNvStore implements TpmNvStore {
  state: Uint8Array | undefined;
  saves = 0;

  constructor(initial?: Uint8Array) {
    this.state = initial;
  }

  load(): Uint8Array | undefined {
    return this.state;
  }

  save(state: Uint8Array): void {
    this.state = state;
    this.saves++;
  }
}

export const defaultEntropy = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
