/**
 * Loaded and persistent objects (TPM 2.0 Part 1 §27 object management). Transient objects
 * occupy a fixed number of slots (TPM_RC_OBJECT_MEMORY when full, as swtpm with its three
 * slots); persistent objects live in NV under 0x81xxxxxx handles and count against
 * `persistentSlots`.
 */
import type { KeyObject } from 'node:crypto';
import { TPM_ALG, TPM_HR } from '../../types/constants.js';
import type { TPMT_PUBLIC } from '../../types/public.js';
import type { TPMT_SENSITIVE } from '../../types/sensitive.js';
import { eccPrivateKey, rsaExponent, rsaPrivateFromPrime } from '../../crypto/keys.js';

export interface TpmObject {
  public: TPMT_PUBLIC;
  name: Uint8Array;
  qualifiedName: Uint8Array;
  /** The hierarchy the object belongs to (TPM_RH_OWNER/_ENDORSEMENT/_PLATFORM/_NULL). */
  hierarchy: number;
  /** Absent for a public-only object (TPM2_LoadExternal without sensitive area). */
  sensitive?: TPMT_SENSITIVE;
  /** True for objects loaded with TPM2_LoadExternal (never fixedTPM; no tickets). */
  external?: boolean;
  /** Cached node:crypto private key. */
  privateKey?: KeyObject;
}

/**
 * The private key of an RSA or ECC object (computed once from its sensitive area). An ECC object
 * the TPM created, loaded with integrity or keeps in NV carries d·G in its public area, which is
 * used as is; an external object's point is recomputed from d (TPM2_LoadExternal's caller
 * supplied both halves).
 */
export function privateKeyOf(obj: TpmObject): KeyObject {
  if (obj.privateKey) return obj.privateKey;
  const s = obj.sensitive;
  if (!s) throw new RangeError('object has no sensitive area');
  const pub = obj.public;
  if (pub.type === TPM_ALG.RSA) obj.privateKey = rsaPrivateFromPrime(pub.unique, rsaExponent(pub), s.sensitive);
  else if (pub.type === TPM_ALG.ECC) obj.privateKey = eccPrivateKey(pub.parameters.curveID, s.sensitive, obj.external ? undefined : pub.unique).key;
  else throw new RangeError('object is not an asymmetric key');
  return obj.privateKey;
}

export class ObjectStore {
  private readonly transient = new Map<number, TpmObject>();
  readonly persistent = new Map<number, TpmObject>();
  private readonly slots: number;
  /**
   * Slots temporarily taken by persistent objects referenced by the running command:
   * ms-tpm-20-ref loads an evict object into a transient slot for the command's duration
   * (ObjectLoadEvict), so a TPM with all slots used answers TPM_RC_OBJECT_MEMORY.
   */
  reserved = 0;

  constructor(slots: number) {
    this.slots = slots;
  }

  get transientCount(): number {
    return this.transient.size;
  }

  get transientHandles(): number[] {
    return [...this.transient.keys()].sort((a, b) => a - b);
  }

  /** Object by transient or persistent handle. */
  get(handle: number): TpmObject | undefined {
    return handle >>> 24 === 0x80 ? this.transient.get(handle) : this.persistent.get(handle);
  }

  /** A free transient handle (lowest free slot, like swtpm's 0x80000000…), or undefined when full. */
  private freeHandle(): number | undefined {
    if (this.transient.size + this.reserved >= this.slots) return undefined;
    for (let i = 0; i < this.slots; i++) {
      const h = (TPM_HR.TRANSIENT + i) >>> 0;
      if (!this.transient.has(h)) return h;
    }
    return undefined;
  }

  hasRoom(): boolean {
    return this.freeHandle() !== undefined;
  }

  /** Load into a transient slot; returns the handle or undefined when no slot is free. */
  add(obj: TpmObject): number | undefined {
    const h = this.freeHandle();
    if (h !== undefined) this.transient.set(h, obj);
    return h;
  }

  flush(handle: number): boolean {
    return this.transient.delete(handle);
  }

  /** TPM Reset/Restart: transient objects are gone. */
  clearTransient(): void {
    this.transient.clear();
  }
}
