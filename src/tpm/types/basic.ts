/**
 * TPM2B buffers, handles and hash-algorithm interface types (TPM 2.0 Part 2 chapters 9–10).
 * Maximum sizes follow the reference implementation's configuration (ms-tpm-20-ref
 * TpmProfile: SHA-512 largest digest, RSA up to 4096 bits, ECC up to P-521,
 * MAX_DIGEST_BUFFER = MAX_NV_BUFFER_SIZE = 1024).
 */
import { digestSize } from '../../core/hash.js';
import { TPM_RC } from '../rc.js';
import { type Codec, fail, tpm2b, UINT16, UINT32 } from './codec.js';
import { TPM_ALG } from './constants.js';

export const MAX_DIGEST = 64;
export const MAX_DIGEST_BUFFER = 1024;
export const MAX_NV_BUFFER_SIZE = 1024;
export const MAX_RSA_KEY_BYTES = 512;
export const MAX_ECC_KEY_BYTES = 66;
export const MAX_CONTEXT_SIZE = 5120;

/** Part 2 §10.4.2 */
export const TPM2B_DIGEST = tpm2b('TPM2B_DIGEST', MAX_DIGEST);
/** Part 2 §10.4.3: sizeof(TPMT_HA) */
export const TPM2B_DATA = tpm2b('TPM2B_DATA', MAX_DIGEST + 2);
export const TPM2B_NONCE = tpm2b('TPM2B_NONCE', MAX_DIGEST);
export const TPM2B_AUTH = tpm2b('TPM2B_AUTH', MAX_DIGEST);
export const TPM2B_OPERAND = tpm2b('TPM2B_OPERAND', MAX_DIGEST);
/** Part 2 §10.4.6 */
export const TPM2B_EVENT = tpm2b('TPM2B_EVENT', 1024);
/** Part 2 §10.4.7 */
export const TPM2B_MAX_BUFFER = tpm2b('TPM2B_MAX_BUFFER', MAX_DIGEST_BUFFER);
/** Part 2 §10.4.8 */
export const TPM2B_MAX_NV_BUFFER = tpm2b('TPM2B_MAX_NV_BUFFER', MAX_NV_BUFFER_SIZE);
/** Part 2 §10.4.9: a UINT64 value as a sized buffer */
export const TPM2B_TIMEOUT = tpm2b('TPM2B_TIMEOUT', 8);
/** Part 2 §10.4.10 */
export const TPM2B_IV = tpm2b('TPM2B_IV', 16);
/** Part 2 §10.5.3: sizeof(TPMU_NAME) */
export const TPM2B_NAME = tpm2b('TPM2B_NAME', MAX_DIGEST + 2);
/** Part 2 §11.1.14 */
export const TPM2B_SENSITIVE_DATA = tpm2b('TPM2B_SENSITIVE_DATA', 128);
export const TPM2B_SYM_KEY = tpm2b('TPM2B_SYM_KEY', 32);
export const TPM2B_LABEL = tpm2b('TPM2B_LABEL', 32);
/** Part 2 §11.2.4.5 / §11.2.4.7 */
export const TPM2B_PUBLIC_KEY_RSA = tpm2b('TPM2B_PUBLIC_KEY_RSA', MAX_RSA_KEY_BYTES);
export const TPM2B_PRIVATE_KEY_RSA = tpm2b('TPM2B_PRIVATE_KEY_RSA', MAX_RSA_KEY_BYTES / 2);
/** Part 2 §11.2.5.1 */
export const TPM2B_ECC_PARAMETER = tpm2b('TPM2B_ECC_PARAMETER', MAX_ECC_KEY_BYTES);
/** Part 2 §11.4.33: sizeof(TPMU_ENCRYPTED_SECRET) */
export const TPM2B_ENCRYPTED_SECRET = tpm2b('TPM2B_ENCRYPTED_SECRET', MAX_RSA_KEY_BYTES);
/** Part 2 §12.4.3: sizeof(TPMS_ID_OBJECT) */
export const TPM2B_ID_OBJECT = tpm2b('TPM2B_ID_OBJECT', 2 * (MAX_DIGEST + 2));
/** Part 2 §12.3.7: sizeof(_PRIVATE) */
export const TPM2B_PRIVATE = tpm2b('TPM2B_PRIVATE', 1550);
/** Part 2 §14.2 */
export const TPM2B_CONTEXT_DATA = tpm2b('TPM2B_CONTEXT_DATA', MAX_CONTEXT_SIZE);
/** Part 2 §10.12.13 */
export const TPM2B_ATTEST_BYTES = tpm2b('TPM2B_ATTEST', 2304);

/** A handle (Part 2 §7.1 TPM_HANDLE). */
export const TPM_HANDLE: Codec<number> = UINT32;
export const TPM_ALG_ID: Codec<number> = UINT16;

/** The hash algorithms this implementation supports (PCR banks and object nameAlg). */
export const HASH_ALGS: readonly number[] = [TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512];

/**
 * TPMI_ALG_HASH (Part 2 §9.27); with `allowNull` it is TPMI_ALG_HASH+ (TPM_ALG_NULL allowed).
 * An unsupported hash is TPM_RC_HASH.
 */
export function algHash(allowNull: boolean): Codec<number> {
  return {
    name: allowNull ? 'TPMI_ALG_HASH+' : 'TPMI_ALG_HASH',
    encode: (w, v) => void w.u16be(v),
    decode(r) {
      const v = r.u16be();
      if (v === TPM_ALG.NULL ? !allowNull : !HASH_ALGS.includes(v)) {
        fail(r, TPM_RC.HASH, `unsupported hash algorithm 0x${v.toString(16)}`, r.offset - 2);
      }
      return v;
    },
  };
}
export const TPMI_ALG_HASH = algHash(false);
export const TPMI_ALG_HASH_NULL = algHash(true);

/** Digest size for a supported hash; throws RangeError otherwise (callers validated the id). */
export function hashSize(alg: number): number {
  const n = digestSize(alg);
  if (n === undefined) throw new RangeError(`unknown hash 0x${alg.toString(16)}`);
  return n;
}

export interface TPMT_HA {
  hashAlg: number;
  digest: Uint8Array;
}

/** TPMT_HA (Part 2 §10.3.2): a hash algorithm and a digest of exactly that algorithm's size. */
export function tpmtHa(allowNull: boolean): Codec<TPMT_HA> {
  const alg = algHash(allowNull);
  return {
    name: 'TPMT_HA',
    encode(w, v) {
      w.u16be(v.hashAlg);
      if (v.hashAlg !== TPM_ALG.NULL) w.bytes(v.digest);
    },
    decode(r) {
      return r.within('TPMT_HA', () => {
        const hashAlg = alg.decode(r);
        const digest = hashAlg === TPM_ALG.NULL ? new Uint8Array(0) : r.read(hashSize(hashAlg), 'digest');
        return { hashAlg, digest };
      });
    },
  };
}
export const TPMT_HA = tpmtHa(false);
