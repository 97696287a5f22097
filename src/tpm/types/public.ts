/**
 * The public area of an object: TPMT_PUBLIC and its unions (TPM 2.0 Part 2 §12.2), and
 * TPMS_ECC_POINT (§11.2.5.2). TPM2B_PUBLIC keeps the exact bytes it decoded in `raw`: an
 * object's Name is the hash of those bytes (Part 1 §16), so they must never be re-encoded.
 */
import { ByteReader } from '../../core/bytes.js';
import { TPM_RC } from '../rc.js';
import { type Codec, fail, sized, TpmWireError } from './codec.js';
import { TPM2B_DIGEST, TPM2B_ECC_PARAMETER, TPM2B_PUBLIC_KEY_RSA, TPMI_ALG_HASH_NULL } from './basic.js';
import { TPM_ALG, TPM_ECC, TPMA_OBJECT } from './constants.js';
import {
  TPMT_ECC_SCHEME,
  TPMT_KDF_SCHEME,
  TPMT_KEYEDHASH_SCHEME,
  TPMT_RSA_SCHEME,
  type TPMT_SCHEME,
  type TPMT_SYM_DEF,
  TPMT_SYM_DEF_OBJECT,
} from './schemes.js';

export interface TPMS_ECC_POINT {
  x: Uint8Array;
  y: Uint8Array;
}

export const TPMS_ECC_POINT: Codec<TPMS_ECC_POINT> = {
  name: 'TPMS_ECC_POINT',
  encode(w, v) {
    TPM2B_ECC_PARAMETER.encode(w, v.x);
    TPM2B_ECC_PARAMETER.encode(w, v.y);
  },
  decode(r) {
    return r.within('TPMS_ECC_POINT', () => ({ x: TPM2B_ECC_PARAMETER.decode(r), y: TPM2B_ECC_PARAMETER.decode(r) }));
  },
};
/** TPM2B_ECC_POINT (Part 2 §11.2.5.3). */
export const TPM2B_ECC_POINT = sized('TPM2B_ECC_POINT', TPMS_ECC_POINT);

/** TPMS_RSA_PARMS (Part 2 §12.2.3.5); exponent 0 means the default 65537. */
export interface TPMS_RSA_PARMS {
  symmetric: TPMT_SYM_DEF;
  scheme: TPMT_SCHEME;
  keyBits: number;
  exponent: number;
}
/** TPMS_ECC_PARMS (Part 2 §12.2.3.6). */
export interface TPMS_ECC_PARMS {
  symmetric: TPMT_SYM_DEF;
  scheme: TPMT_SCHEME;
  curveID: number;
  kdf: TPMT_SCHEME;
}
/** TPMS_KEYEDHASH_PARMS (Part 2 §12.2.3.3). */
export interface TPMS_KEYEDHASH_PARMS {
  scheme: { scheme: number; hashAlg: number; kdf: number };
}
/** TPMS_SYMCIPHER_PARMS (Part 2 §12.2.3.2). */
export interface TPMS_SYMCIPHER_PARMS {
  sym: TPMT_SYM_DEF;
}

interface PublicCommon {
  nameAlg: number;
  objectAttributes: number;
  authPolicy: Uint8Array;
  /** The exact marshalled TPMT_PUBLIC this value was decoded from (absent for values built locally). */
  raw?: Uint8Array;
}
export interface TPMT_PUBLIC_RSA extends PublicCommon {
  type: typeof TPM_ALG.RSA;
  parameters: TPMS_RSA_PARMS;
  /** TPM2B_PUBLIC_KEY_RSA: the modulus. */
  unique: Uint8Array;
}
export interface TPMT_PUBLIC_ECC extends PublicCommon {
  type: typeof TPM_ALG.ECC;
  parameters: TPMS_ECC_PARMS;
  unique: TPMS_ECC_POINT;
}
export interface TPMT_PUBLIC_KEYEDHASH extends PublicCommon {
  type: typeof TPM_ALG.KEYEDHASH;
  parameters: TPMS_KEYEDHASH_PARMS;
  unique: Uint8Array;
}
export interface TPMT_PUBLIC_SYMCIPHER extends PublicCommon {
  type: typeof TPM_ALG.SYMCIPHER;
  parameters: TPMS_SYMCIPHER_PARMS;
  unique: Uint8Array;
}
/** TPMT_PUBLIC (Part 2 §12.2.4), discriminated by `type` (the TPMU_PUBLIC_PARMS/ID selector). */
export type TPMT_PUBLIC = TPMT_PUBLIC_RSA | TPMT_PUBLIC_ECC | TPMT_PUBLIC_KEYEDHASH | TPMT_PUBLIC_SYMCIPHER;

export const RSA_KEY_SIZES: readonly number[] = [1024, 2048, 3072, 4096];
export const ECC_CURVES: readonly number[] = [TPM_ECC.NIST_P256, TPM_ECC.NIST_P384, TPM_ECC.NIST_P521];

export const TPMT_PUBLIC: Codec<TPMT_PUBLIC> = {
  name: 'TPMT_PUBLIC',
  encode(w, v) {
    w.u16be(v.type).u16be(v.nameAlg).u32be(v.objectAttributes);
    TPM2B_DIGEST.encode(w, v.authPolicy);
    switch (v.type) {
      case TPM_ALG.RSA:
        TPMT_SYM_DEF_OBJECT.encode(w, v.parameters.symmetric);
        TPMT_RSA_SCHEME.encode(w, v.parameters.scheme);
        w.u16be(v.parameters.keyBits).u32be(v.parameters.exponent);
        TPM2B_PUBLIC_KEY_RSA.encode(w, v.unique);
        return;
      case TPM_ALG.ECC:
        TPMT_SYM_DEF_OBJECT.encode(w, v.parameters.symmetric);
        TPMT_ECC_SCHEME.encode(w, v.parameters.scheme);
        w.u16be(v.parameters.curveID);
        TPMT_KDF_SCHEME.encode(w, v.parameters.kdf);
        TPMS_ECC_POINT.encode(w, v.unique);
        return;
      case TPM_ALG.KEYEDHASH:
        TPMT_KEYEDHASH_SCHEME.encode(w, v.parameters.scheme);
        TPM2B_DIGEST.encode(w, v.unique);
        return;
      case TPM_ALG.SYMCIPHER:
        TPMT_SYM_DEF_OBJECT.encode(w, v.parameters.sym);
        TPM2B_DIGEST.encode(w, v.unique);
        return;
    }
  },
  decode(r) {
    return r.within('TPMT_PUBLIC', () => {
      const start = r.offset;
      const type = r.u16be();
      const nameAlg = TPMI_ALG_HASH_NULL.decode(r);
      const objectAttributes = r.u32be();
      if (objectAttributes & TPMA_OBJECT.reserved) fail(r, TPM_RC.RESERVED_BITS, 'reserved objectAttributes bits set', r.offset - 4);
      const authPolicy = r.within('authPolicy', () => TPM2B_DIGEST.decode(r));
      const common = { nameAlg, objectAttributes, authPolicy };
      let out: TPMT_PUBLIC;
      switch (type) {
        case TPM_ALG.RSA: {
          const symmetric = TPMT_SYM_DEF_OBJECT.decode(r);
          const scheme = TPMT_RSA_SCHEME.decode(r);
          const keyBits = r.u16be();
          if (!RSA_KEY_SIZES.includes(keyBits)) fail(r, TPM_RC.VALUE, `RSA key size ${keyBits}`, r.offset - 2);
          const exponent = r.u32be();
          const unique = r.within('unique', () => TPM2B_PUBLIC_KEY_RSA.decode(r));
          out = { type: TPM_ALG.RSA, ...common, parameters: { symmetric, scheme, keyBits, exponent }, unique };
          break;
        }
        case TPM_ALG.ECC: {
          const symmetric = TPMT_SYM_DEF_OBJECT.decode(r);
          const scheme = TPMT_ECC_SCHEME.decode(r);
          const curveID = r.u16be();
          if (!ECC_CURVES.includes(curveID)) fail(r, TPM_RC.CURVE, `ECC curve 0x${curveID.toString(16)} not supported`, r.offset - 2);
          const kdf = TPMT_KDF_SCHEME.decode(r);
          const unique = r.within('unique', () => TPMS_ECC_POINT.decode(r));
          out = { type: TPM_ALG.ECC, ...common, parameters: { symmetric, scheme, curveID, kdf }, unique };
          break;
        }
        case TPM_ALG.KEYEDHASH: {
          const scheme = TPMT_KEYEDHASH_SCHEME.decode(r);
          const unique = r.within('unique', () => TPM2B_DIGEST.decode(r));
          out = { type: TPM_ALG.KEYEDHASH, ...common, parameters: { scheme }, unique };
          break;
        }
        case TPM_ALG.SYMCIPHER: {
          const sym = TPMT_SYM_DEF_OBJECT.decode(r);
          const unique = r.within('unique', () => TPM2B_DIGEST.decode(r));
          out = { type: TPM_ALG.SYMCIPHER, ...common, parameters: { sym }, unique };
          break;
        }
        default:
          fail(r, TPM_RC.TYPE, `object type 0x${type.toString(16)} not supported`, start);
      }
      out.raw = r.bytes.slice(start, r.offset);
      return out;
    });
  },
};

/** TPM2B_PUBLIC (Part 2 §12.2.5). */
export const TPM2B_PUBLIC = sized('TPM2B_PUBLIC', TPMT_PUBLIC);

/** Decode a standalone TPMT_PUBLIC (e.g. a template file), keeping its bytes in `raw`. */
export function parseTpmtPublic(bytes: Uint8Array): TPMT_PUBLIC {
  const r = new ByteReader(bytes);
  const v = TPMT_PUBLIC.decode(r);
  if (!r.atEnd) throw new TpmWireError(TPM_RC.SIZE, `${r.remaining} trailing bytes after TPMT_PUBLIC`, r.offset, 'TPMT_PUBLIC');
  return v;
}

/** Decode a TPM2B_PUBLIC (as tpm2-tools writes `ak.pub`/`ek.pub`), keeping the inner bytes in `raw`. */
export function parseTpm2bPublic(bytes: Uint8Array): TPMT_PUBLIC {
  const r = new ByteReader(bytes);
  const v = TPM2B_PUBLIC.decode(r);
  if (!r.atEnd) throw new TpmWireError(TPM_RC.SIZE, `${r.remaining} trailing bytes after TPM2B_PUBLIC`, r.offset, 'TPM2B_PUBLIC');
  return v;
}
