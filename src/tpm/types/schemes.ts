/**
 * Symmetric definitions and asymmetric/keyed-hash/signature/KDF schemes
 * (TPM 2.0 Part 2 §11.1 and §11.2). Each TPMT_*_SCHEME is a selector plus a details union;
 * here every scheme is one shape `{ scheme, hashAlg, count? }` and the codec writes only the
 * members the selector calls for.
 */
import { TPM_RC } from '../rc.js';
import { type Codec, fail } from './codec.js';
import { HASH_ALGS } from './basic.js';
import { TPM_ALG } from './constants.js';

/** TPMT_SYM_DEF / TPMT_SYM_DEF_OBJECT (Part 2 §11.1.6/§11.1.7). For XOR, keyBits holds the hash. */
export interface TPMT_SYM_DEF {
  algorithm: number;
  keyBits: number;
  mode: number;
}

export const SYM_NULL: TPMT_SYM_DEF = { algorithm: TPM_ALG.NULL, keyBits: 0, mode: TPM_ALG.NULL };
export const SYM_AES_128_CFB: TPMT_SYM_DEF = { algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB };

function symDef(name: string, allowXor: boolean): Codec<TPMT_SYM_DEF> {
  return {
    name,
    encode(w, v) {
      w.u16be(v.algorithm);
      if (v.algorithm === TPM_ALG.NULL) return;
      w.u16be(v.keyBits);
      if (v.algorithm !== TPM_ALG.XOR) w.u16be(v.mode);
    },
    decode(r) {
      return r.within(name, () => {
        const algorithm = r.u16be();
        if (algorithm === TPM_ALG.NULL) return { ...SYM_NULL };
        if (algorithm === TPM_ALG.XOR && allowXor) {
          const keyBits = r.u16be();
          if (!HASH_ALGS.includes(keyBits)) fail(r, TPM_RC.HASH, 'XOR hash not supported', r.offset - 2);
          return { algorithm, keyBits, mode: TPM_ALG.NULL };
        }
        if (algorithm !== TPM_ALG.AES) fail(r, TPM_RC.SYMMETRIC, `symmetric algorithm 0x${algorithm.toString(16)} not supported`, r.offset - 2);
        const keyBits = r.u16be();
        if (keyBits !== 128 && keyBits !== 192 && keyBits !== 256) fail(r, TPM_RC.VALUE, `AES key size ${keyBits}`, r.offset - 2);
        const mode = r.u16be();
        if (![TPM_ALG.CFB, TPM_ALG.CTR, TPM_ALG.OFB, TPM_ALG.CBC, TPM_ALG.ECB, TPM_ALG.NULL].includes(mode as 0x43)) {
          fail(r, TPM_RC.MODE, `symmetric mode 0x${mode.toString(16)} not supported`, r.offset - 2);
        }
        return { algorithm, keyBits, mode };
      });
    },
  };
}
export const TPMT_SYM_DEF = symDef('TPMT_SYM_DEF', true);
export const TPMT_SYM_DEF_OBJECT = symDef('TPMT_SYM_DEF_OBJECT', false);

/** Any TPMT_*_SCHEME: the scheme selector, its hash (TPM_ALG_NULL when it has none) and ECDAA's count. */
export interface TPMT_SCHEME {
  scheme: number;
  hashAlg: number;
  count?: number;
}

export const SCHEME_NULL: TPMT_SCHEME = { scheme: TPM_ALG.NULL, hashAlg: TPM_ALG.NULL };

/** Schemes whose details are empty (TPMS_EMPTY): only the selector is marshalled. */
const EMPTY_DETAILS = new Set<number>([TPM_ALG.NULL, TPM_ALG.RSAES]);

function scheme(name: string, allowed: readonly number[], rc: number): Codec<TPMT_SCHEME> {
  const ok = new Set(allowed);
  return {
    name,
    encode(w, v) {
      w.u16be(v.scheme);
      if (EMPTY_DETAILS.has(v.scheme)) return;
      w.u16be(v.hashAlg);
      if (v.scheme === TPM_ALG.ECDAA) w.u16be(v.count ?? 0);
    },
    decode(r) {
      return r.within(name, () => {
        const s = r.u16be();
        if (!ok.has(s)) fail(r, rc, `scheme 0x${s.toString(16)} not allowed`, r.offset - 2);
        if (EMPTY_DETAILS.has(s)) return { scheme: s, hashAlg: TPM_ALG.NULL };
        const hashAlg = r.u16be();
        if (!HASH_ALGS.includes(hashAlg)) fail(r, TPM_RC.HASH, `scheme hash 0x${hashAlg.toString(16)} not supported`, r.offset - 2);
        if (s === TPM_ALG.ECDAA) return { scheme: s, hashAlg, count: r.u16be() };
        return { scheme: s, hashAlg };
      });
    },
  };
}

const N = TPM_ALG;
/** TPMT_RSA_SCHEME (Part 2 §11.2.4.2). */
export const TPMT_RSA_SCHEME = scheme('TPMT_RSA_SCHEME', [N.NULL, N.RSASSA, N.RSAPSS, N.RSAES, N.OAEP], TPM_RC.VALUE);
/** TPMT_RSA_DECRYPT (Part 2 §11.2.4.4). */
export const TPMT_RSA_DECRYPT = scheme('TPMT_RSA_DECRYPT', [N.NULL, N.RSAES, N.OAEP], TPM_RC.VALUE);
/** TPMT_ECC_SCHEME (Part 2 §11.2.5.6). */
export const TPMT_ECC_SCHEME = scheme('TPMT_ECC_SCHEME', [N.NULL, N.ECDSA, N.ECDAA, N.SM2, N.ECSCHNORR, N.ECDH, N.ECMQV], TPM_RC.SCHEME);
/** TPMT_SIG_SCHEME (Part 2 §11.2.1.5). */
export const TPMT_SIG_SCHEME = scheme('TPMT_SIG_SCHEME', [N.NULL, N.RSASSA, N.RSAPSS, N.ECDSA, N.ECDAA, N.SM2, N.ECSCHNORR, N.HMAC], TPM_RC.SCHEME);
/** TPMT_KDF_SCHEME (Part 2 §11.2.3.3). */
export const TPMT_KDF_SCHEME = scheme('TPMT_KDF_SCHEME', [N.NULL, N.MGF1, N.KDF1_SP800_56A, N.KDF2, N.KDF1_SP800_108], TPM_RC.KDF);

/** TPMT_KEYEDHASH_SCHEME (Part 2 §11.1.23): HMAC {hashAlg} or XOR {hashAlg, kdf}. */
export interface TPMT_KEYEDHASH_SCHEME {
  scheme: number;
  hashAlg: number;
  kdf: number;
}

export const TPMT_KEYEDHASH_SCHEME: Codec<TPMT_KEYEDHASH_SCHEME> = {
  name: 'TPMT_KEYEDHASH_SCHEME',
  encode(w, v) {
    w.u16be(v.scheme);
    if (v.scheme === N.NULL) return;
    w.u16be(v.hashAlg);
    if (v.scheme === N.XOR) w.u16be(v.kdf);
  },
  decode(r) {
    return r.within('TPMT_KEYEDHASH_SCHEME', () => {
      const s = r.u16be();
      if (s === N.NULL) return { scheme: s, hashAlg: N.NULL, kdf: N.NULL };
      if (s !== N.HMAC && s !== N.XOR) fail(r, TPM_RC.VALUE, `keyed-hash scheme 0x${s.toString(16)}`, r.offset - 2);
      const hashAlg = r.u16be();
      if (!HASH_ALGS.includes(hashAlg)) fail(r, TPM_RC.HASH, 'keyed-hash scheme hash not supported', r.offset - 2);
      const kdf = s === N.XOR ? r.u16be() : N.NULL;
      return { scheme: s, hashAlg, kdf };
    });
  },
};
