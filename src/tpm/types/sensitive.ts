/**
 * Sensitive areas (TPM 2.0 Part 2 §11.1.15–§11.1.17, §12.3): what the caller supplies to create
 * an object (TPMS_SENSITIVE_CREATE) and the private part of a loaded object (TPMT_SENSITIVE).
 */
import { TPM_RC } from '../rc.js';
import { type Codec, fail, sized, struct } from './codec.js';
import { MAX_ECC_KEY_BYTES, MAX_RSA_KEY_BYTES, TPM2B_AUTH, TPM2B_DIGEST, TPM2B_SENSITIVE_DATA } from './basic.js';
import { TPM_ALG } from './constants.js';

/** TPMS_SENSITIVE_CREATE (Part 2 §11.1.15). */
export const TPMS_SENSITIVE_CREATE = struct('TPMS_SENSITIVE_CREATE', {
  userAuth: TPM2B_AUTH,
  data: TPM2B_SENSITIVE_DATA,
});
export type TPMS_SENSITIVE_CREATE = { userAuth: Uint8Array; data: Uint8Array };
/** TPM2B_SENSITIVE_CREATE (Part 2 §11.1.16). */
export const TPM2B_SENSITIVE_CREATE = sized('TPM2B_SENSITIVE_CREATE', TPMS_SENSITIVE_CREATE);

/**
 * TPMT_SENSITIVE (Part 2 §11.3.2.4). `sensitive` is the TPMU_SENSITIVE_COMPOSITE member for
 * `sensitiveType`: an RSA prime p, an ECC private scalar, keyed-hash data or a symmetric key;
 * each member is a TPM2B, so one byte string serves, with a per-type maximum.
 */
export interface TPMT_SENSITIVE {
  sensitiveType: number;
  authValue: Uint8Array;
  seedValue: Uint8Array;
  sensitive: Uint8Array;
}

const COMPOSITE_MAX: Record<number, number> = {
  [TPM_ALG.RSA]: MAX_RSA_KEY_BYTES / 2,
  [TPM_ALG.ECC]: MAX_ECC_KEY_BYTES,
  [TPM_ALG.KEYEDHASH]: 128,
  [TPM_ALG.SYMCIPHER]: 32,
};

export const TPMT_SENSITIVE: Codec<TPMT_SENSITIVE> = {
  name: 'TPMT_SENSITIVE',
  encode(w, v) {
    w.u16be(v.sensitiveType);
    TPM2B_AUTH.encode(w, v.authValue);
    TPM2B_DIGEST.encode(w, v.seedValue);
    w.u16be(v.sensitive.length).bytes(v.sensitive);
  },
  decode(r) {
    return r.within('TPMT_SENSITIVE', () => {
      const sensitiveType = r.u16be();
      const max = COMPOSITE_MAX[sensitiveType];
      if (max === undefined) fail(r, TPM_RC.TYPE, `sensitive type 0x${sensitiveType.toString(16)}`, r.offset - 2);
      const authValue = TPM2B_AUTH.decode(r);
      const seedValue = TPM2B_DIGEST.decode(r);
      const n = r.u16be();
      if (n > max) fail(r, TPM_RC.SIZE, `sensitive size ${n} > ${max}`, r.offset - 2);
      return { sensitiveType, authValue, seedValue, sensitive: r.read(n, 'sensitive') };
    });
  },
};
/** TPM2B_SENSITIVE (Part 2 §11.3.3); empty in TPM2_LoadExternal for a public-only object. */
export const TPM2B_SENSITIVE = sized('TPM2B_SENSITIVE', TPMT_SENSITIVE, true);
