/**
 * TPMT_SIGNATURE (TPM 2.0 Part 2 §11.3.4) with its TPMU_SIGNATURE members:
 * RSASSA/RSAPSS carry one TPM2B_PUBLIC_KEY_RSA, the ECC schemes carry r and s, HMAC a TPMT_HA.
 */
import { ByteReader } from '../../core/bytes.js';
import { TPM_RC } from '../rc.js';
import { type Codec, fail, TpmWireError } from './codec.js';
import { TPM2B_ECC_PARAMETER, TPM2B_PUBLIC_KEY_RSA, TPMI_ALG_HASH, hashSize } from './basic.js';
import { TPM_ALG } from './constants.js';

export interface TPMT_SIGNATURE {
  sigAlg: number;
  /** The hash of the scheme (TPM_ALG_NULL for a NULL signature). */
  hash: number;
  /** RSASSA / RSAPSS signature. */
  sig?: Uint8Array;
  /** ECDSA / ECDAA / SM2 / ECSCHNORR (r, s), each as wide as the curve order. */
  signatureR?: Uint8Array;
  signatureS?: Uint8Array;
  /** HMAC digest. */
  digest?: Uint8Array;
}

const RSA_SIGS = new Set<number>([TPM_ALG.RSASSA, TPM_ALG.RSAPSS]);
const ECC_SIGS = new Set<number>([TPM_ALG.ECDSA, TPM_ALG.ECDAA, TPM_ALG.SM2, TPM_ALG.ECSCHNORR]);

export const TPMT_SIGNATURE: Codec<TPMT_SIGNATURE> = {
  name: 'TPMT_SIGNATURE',
  encode(w, v) {
    w.u16be(v.sigAlg);
    if (v.sigAlg === TPM_ALG.NULL) return;
    w.u16be(v.hash);
    if (RSA_SIGS.has(v.sigAlg)) TPM2B_PUBLIC_KEY_RSA.encode(w, v.sig ?? new Uint8Array(0));
    else if (ECC_SIGS.has(v.sigAlg)) {
      TPM2B_ECC_PARAMETER.encode(w, v.signatureR ?? new Uint8Array(0));
      TPM2B_ECC_PARAMETER.encode(w, v.signatureS ?? new Uint8Array(0));
    } else if (v.sigAlg === TPM_ALG.HMAC) w.bytes(v.digest ?? new Uint8Array(0));
    else throw new RangeError(`TPMT_SIGNATURE: unknown sigAlg 0x${v.sigAlg.toString(16)}`);
  },
  decode(r) {
    return r.within('TPMT_SIGNATURE', () => {
      const sigAlg = r.u16be();
      if (sigAlg === TPM_ALG.NULL) return { sigAlg, hash: TPM_ALG.NULL };
      if (!RSA_SIGS.has(sigAlg) && !ECC_SIGS.has(sigAlg) && sigAlg !== TPM_ALG.HMAC) {
        fail(r, TPM_RC.SCHEME, `signature algorithm 0x${sigAlg.toString(16)}`, r.offset - 2);
      }
      const hash = TPMI_ALG_HASH.decode(r);
      if (RSA_SIGS.has(sigAlg)) return { sigAlg, hash, sig: TPM2B_PUBLIC_KEY_RSA.decode(r) };
      if (ECC_SIGS.has(sigAlg)) return { sigAlg, hash, signatureR: TPM2B_ECC_PARAMETER.decode(r), signatureS: TPM2B_ECC_PARAMETER.decode(r) };
      return { sigAlg, hash, digest: r.read(hashSize(hash), 'digest') };
    });
  },
};

/** Decode a standalone TPMT_SIGNATURE (e.g. tpm2_quote's `-s quote.sig`). */
export function parseTpmtSignature(bytes: Uint8Array): TPMT_SIGNATURE {
  const r = new ByteReader(bytes);
  const v = TPMT_SIGNATURE.decode(r);
  if (!r.atEnd) throw new TpmWireError(TPM_RC.SIZE, `${r.remaining} trailing bytes after TPMT_SIGNATURE`, r.offset, 'TPMT_SIGNATURE');
  return v;
}
