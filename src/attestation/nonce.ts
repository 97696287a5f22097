/**
 * Nonces (DESIGN.md §7: fresh, single use, short lifetime). The service issues a random nonce;
 * the agent quotes with it as qualifyingData (TPM 2.0 Part 3 §18.4), so the quote cannot have
 * been made before the nonce existed. `consume` answers once: the first use is fresh, any later
 * use is `reused` while the nonce is remembered, an old one is `expired`, an unknown one
 * `unknown`. Memory is bounded: expired entries are dropped, and past `max` outstanding nonces
 * the oldest is forgotten (a forgotten nonce is refused as unknown, never accepted).
 */
import { randomBytes } from 'node:crypto';

export type NonceState = 'fresh' | 'reused' | 'expired' | 'unknown' | 'missing';

export interface NonceCheck {
  readonly state: NonceState;
  /** The nonce the evidence names (what the quote must carry). */
  readonly value?: Uint8Array;
  readonly issuedAt?: number;
}

export interface IssuedNonce {
  readonly nonce: Uint8Array;
  readonly expiresAt: number;
}

/** qualifyingData is a TPM2B_DATA: 32 bytes fits every TPM's limit (sizeof(TPMT_HA) ≥ 34). */
export const NONCE_BYTES = 32;

export class NonceBook {
  private readonly entries = new Map<string, { issuedAt: number; used: boolean }>();

  constructor(
    private readonly now: () => number,
    readonly lifetimeMs = 5 * 60_000,
    private readonly max = 100_000,
    private readonly random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n)),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  issue(): IssuedNonce {
    const t = this.now();
    this.prune(t);
    const nonce = this.random(NONCE_BYTES);
    const key = Buffer.from(nonce).toString('hex');
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { issuedAt: t, used: false });
    return { nonce, expiresAt: t + this.lifetimeMs };
  }

  /** Use a nonce: `fresh` exactly once. */
  consume(nonce: Uint8Array | undefined): NonceCheck {
    if (!nonce || nonce.length === 0) return { state: 'missing' };
    const key = Buffer.from(nonce).toString('hex');
    const e = this.entries.get(key);
    if (!e) return { state: 'unknown', value: nonce };
    if (this.now() > e.issuedAt + this.lifetimeMs) return { state: 'expired', value: nonce, issuedAt: e.issuedAt };
    if (e.used) return { state: 'reused', value: nonce, issuedAt: e.issuedAt };
    e.used = true;
    return { state: 'fresh', value: nonce, issuedAt: e.issuedAt };
  }

  /**
   * Forget nonces past their lifetime. A used nonce is kept until then so that a replay says
   * `reused`; the map is in issue order, so pruning stops at the first live entry.
   */
  private prune(t: number): void {
    for (const [k, e] of this.entries) {
      if (t <= e.issuedAt + this.lifetimeMs * 2) break;
      this.entries.delete(k);
    }
  }
}
