/**
 * Hierarchies (TPM 2.0 Part 1 §13–14): each persistent hierarchy (platform, storage/owner,
 * endorsement) has a primary seed from which its primary objects are derived, an
 * authorization value, and a proof value that keys its tickets. The null hierarchy's seed and
 * proof are regenerated at every TPM Reset. Proof values are derived from the seeds here
 * (KDFa label "PROOF"), which keeps the persistent state small.
 */
import { kdfa } from '../../crypto/kdf.js';
import { TPM_ALG, TPM_RH } from '../../types/constants.js';

export class Hierarchies {
  eps: Uint8Array;
  sps: Uint8Array;
  pps: Uint8Array;
  ownerAuth: Uint8Array = new Uint8Array(0);
  endorsementAuth: Uint8Array = new Uint8Array(0);
  lockoutAuth: Uint8Array = new Uint8Array(0);
  /** Volatile: cleared at every Startup (Part 1 §13.5). */
  platformAuth: Uint8Array = new Uint8Array(0);
  nullSeed: Uint8Array;
  private proofs = new Map<number, Uint8Array>();

  constructor(seeds: { eps: Uint8Array; sps: Uint8Array; pps: Uint8Array; nullSeed: Uint8Array }) {
    this.eps = seeds.eps;
    this.sps = seeds.sps;
    this.pps = seeds.pps;
    this.nullSeed = seeds.nullSeed;
  }

  seedOf(hierarchy: number): Uint8Array {
    switch (hierarchy) {
      case TPM_RH.ENDORSEMENT:
        return this.eps;
      case TPM_RH.OWNER:
        return this.sps;
      case TPM_RH.PLATFORM:
        return this.pps;
      default:
        return this.nullSeed;
    }
  }

  /** The proof value that keys tickets of a hierarchy (Part 1 §14.3). */
  proofOf(hierarchy: number): Uint8Array {
    let p = this.proofs.get(hierarchy);
    if (!p) {
      p = kdfa(TPM_ALG.SHA256, this.seedOf(hierarchy), 'PROOF', new Uint8Array(0), new Uint8Array(0), 256);
      this.proofs.set(hierarchy, p);
    }
    return p;
  }

  /** New null seed at TPM Reset. */
  resetNull(seed: Uint8Array): void {
    this.nullSeed = seed;
    this.proofs.delete(TPM_RH.NULL);
  }

  authOf(handle: number): Uint8Array {
    switch (handle) {
      case TPM_RH.OWNER:
        return this.ownerAuth;
      case TPM_RH.ENDORSEMENT:
        return this.endorsementAuth;
      case TPM_RH.LOCKOUT:
        return this.lockoutAuth;
      case TPM_RH.PLATFORM:
        return this.platformAuth;
      default:
        return new Uint8Array(0);
    }
  }

  setAuth(handle: number, v: Uint8Array): void {
    if (handle === TPM_RH.OWNER) this.ownerAuth = v;
    else if (handle === TPM_RH.ENDORSEMENT) this.endorsementAuth = v;
    else if (handle === TPM_RH.LOCKOUT) this.lockoutAuth = v;
    else if (handle === TPM_RH.PLATFORM) this.platformAuth = v;
  }
}
