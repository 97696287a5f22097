/**
 * Credential protection (TPM 2.0 Part 1 §24, Part 3 §12.5/§12.6), the software side that
 * `tpm2_makecredential -T none` and keylime's tpm_util.makecredential implement:
 *   seed        ← shared with the EK (label "IDENTITY", crypto/secret.ts)
 *   symKey      = KDFa(ekNameAlg, seed, "STORAGE", objectName, "", ekSymBits)
 *   encIdentity = AES-CFB(symKey, IV = 0, TPM2B_DIGEST(credential))
 *   hmacKey     = KDFa(ekNameAlg, seed, "INTEGRITY", "", "", digestBits)
 *   outerHMAC   = HMAC(hmacKey, encIdentity ‖ objectName)
 *   credentialBlob = TPM2B_ID_OBJECT { TPM2B_DIGEST(outerHMAC) ‖ encIdentity }
 */
import { timingSafeEqual } from 'node:crypto';
import { ByteReader, ByteWriter } from '../../core/bytes.js';
import { hashSize, TPM2B_DIGEST } from '../types/basic.js';
import { TPM_ALG } from '../types/constants.js';
import type { TPMT_PUBLIC } from '../types/public.js';
import { kdfa } from './kdf.js';
import { encryptSecret } from './secret.js';
import { aesCfb, hmac } from './symmetric.js';

/** The symmetric definition of a storage key (the EK's is AES-128-CFB). */
function symOf(pub: TPMT_PUBLIC): { algorithm: number; keyBits: number } {
  if (pub.type === TPM_ALG.RSA || pub.type === TPM_ALG.ECC) return pub.parameters.symmetric;
  if (pub.type === TPM_ALG.SYMCIPHER) return pub.parameters.sym;
  return { algorithm: TPM_ALG.NULL, keyBits: 0 };
}

/** Wrap `credential` for the object `objectName` under a seed; returns TPM2B_ID_OBJECT's payload. */
export function protectCredential(ekPub: TPMT_PUBLIC, seed: Uint8Array, credential: Uint8Array, objectName: Uint8Array): Uint8Array {
  const sym = symOf(ekPub);
  if (sym.algorithm !== TPM_ALG.AES) throw new RangeError('the protector key has no AES symmetric definition');
  const symKey = kdfa(ekPub.nameAlg, seed, 'STORAGE', objectName, new Uint8Array(0), sym.keyBits);
  const plain = new ByteWriter(2 + credential.length);
  TPM2B_DIGEST.encode(plain, credential);
  const encIdentity = aesCfb(true, symKey, new Uint8Array(16), plain.finish());
  const hmacKey = kdfa(ekPub.nameAlg, seed, 'INTEGRITY', new Uint8Array(0), new Uint8Array(0), hashSize(ekPub.nameAlg) * 8);
  const outer = hmac(ekPub.nameAlg, hmacKey, encIdentity, objectName);
  const w = new ByteWriter();
  TPM2B_DIGEST.encode(w, outer);
  w.bytes(encIdentity);
  return w.finish();
}

/**
 * Check and unwrap a TPM2B_ID_OBJECT payload with the seed; returns the credential, or
 * 'integrity' when the HMAC does not match (TPM_RC_INTEGRITY) or 'size' when it is malformed.
 */
export function unprotectCredential(ekPub: TPMT_PUBLIC, seed: Uint8Array, idObject: Uint8Array, objectName: Uint8Array): Uint8Array | 'integrity' | 'size' {
  const sym = symOf(ekPub);
  const r = new ByteReader(idObject);
  let outer: Uint8Array;
  try {
    outer = TPM2B_DIGEST.decode(r);
  } catch {
    return 'size';
  }
  const encIdentity = r.read(r.remaining);
  const hmacKey = kdfa(ekPub.nameAlg, seed, 'INTEGRITY', new Uint8Array(0), new Uint8Array(0), hashSize(ekPub.nameAlg) * 8);
  const expect = hmac(ekPub.nameAlg, hmacKey, encIdentity, objectName);
  if (outer.length !== expect.length || !timingSafeEqual(outer, expect)) return 'integrity';
  const symKey = kdfa(ekPub.nameAlg, seed, 'STORAGE', objectName, new Uint8Array(0), sym.keyBits);
  const plain = aesCfb(false, symKey, new Uint8Array(16), encIdentity);
  const pr = new ByteReader(plain);
  try {
    const cred = TPM2B_DIGEST.decode(pr);
    pr.expectEnd('TPM2B_DIGEST');
    return cred;
  } catch {
    return 'size';
  }
}

export interface MadeCredential {
  /** TPM2B_ID_OBJECT payload (without its own size prefix). */
  credentialBlob: Uint8Array;
  /** TPM2B_ENCRYPTED_SECRET payload. */
  secret: Uint8Array;
}

/** TPM2_MakeCredential in software: seal `credential` to (EK public area, AK Name). */
export function makeCredential(ekPub: TPMT_PUBLIC, credential: Uint8Array, objectName: Uint8Array, seed?: Uint8Array): MadeCredential {
  if (credential.length > hashSize(ekPub.nameAlg)) throw new RangeError('credential is larger than the EK name digest');
  const s = encryptSecret(ekPub, 'IDENTITY', seed);
  return { credentialBlob: protectCredential(ekPub, s.seed, credential, objectName), secret: s.encrypted };
}

/** tpm2-tools' credential file (`tpm2_makecredential -o`): magic badcc0de, version 1, TPM2B_ID_OBJECT, TPM2B_ENCRYPTED_SECRET. */
export function encodeCredentialFile(c: MadeCredential): Uint8Array {
  const w = new ByteWriter();
  w.u32be(0xbadcc0de).u32be(1);
  w.u16be(c.credentialBlob.length).bytes(c.credentialBlob);
  w.u16be(c.secret.length).bytes(c.secret);
  return w.finish();
}

/** Parse tpm2-tools' credential file. */
export function parseCredentialFile(bytes: Uint8Array): MadeCredential {
  const r = new ByteReader(bytes);
  const magic = r.u32be();
  if (magic !== 0xbadcc0de) throw r.error(`bad magic 0x${magic.toString(16)}`, 0);
  const version = r.u32be();
  if (version !== 1) throw r.error(`unsupported version ${version}`, 4);
  const credentialBlob = r.read(r.u16be(), 'TPM2B_ID_OBJECT');
  const secret = r.read(r.u16be(), 'TPM2B_ENCRYPTED_SECRET');
  r.expectEnd('credential file');
  return { credentialBlob, secret };
}

