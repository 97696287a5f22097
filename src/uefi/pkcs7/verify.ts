/**
 * SignerInfo verification (RFC 5652 §5.4 and §5.6), as the kernel's pkcs7_verify and OpenSSL's
 * PKCS7_signatureVerify do it:
 *  1. with signed attributes: contentType must equal eContentType, messageDigest must equal
 *     H(content), and the signature covers the DER of the attributes as a SET OF;
 *  2. without signed attributes (kernel module signatures, reference/secureboot.md §4): the
 *     signature covers H(content) directly.
 * Returns a reason instead of throwing: a failed verification is a finding (DESIGN.md §5).
 */
import { createHash, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import {
  bytesEqual,
} from '../../core/bytes.js';
import {
  content,
  digestName,
  OID,
  publicKeyOf,
  readOid,
  signatureScheme,
  subjectKeyIdentifier,
  verifySignature,
  type Certificate,
} from '../../core/asn1/index.js';
import { OID_PKCS7 } from './oids.js';
import { signedAttribute, type SignerInfo } from './signed-data.js';

const keyCache = new WeakMap<Certificate, KeyObject>();

const unusable = new WeakSet<Certificate>();

/** The certificate's public key, created once per Certificate object; undefined when node:crypto cannot load it. */
export function cachedKey(cert: Certificate): KeyObject | undefined {
  let k = keyCache.get(cert);
  if (!k && !unusable.has(cert)) {
    try {
      k = publicKeyOf(cert);
      keyCache.set(cert, k);
    } catch {
      unusable.add(cert); // e.g. a mangled SubjectPublicKeyInfo: not a key we can verify with
    }
  }
  return k;
}

/** True when `cert` is the one `si.sid` names. */
export function matchesSigner(si: SignerInfo, cert: Certificate): boolean {
  if (si.sid.kind === 'issuerAndSerialNumber') {
    return bytesEqual(cert.issuer.der, si.sid.issuer) && bytesEqual(stripZeros(cert.serialNumber), stripZeros(si.sid.serialNumber));
  }
  try {
    const ski = subjectKeyIdentifier(cert);
    return ski !== undefined && bytesEqual(ski, si.sid.keyId);
  } catch {
    return false; // malformed SKI extension: it names no one
  }
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

export type SignerCheck = { ok: true } | { ok: false; reason: string };

/**
 * Verify `si` over `data` (the signed content: the SpcIndirectDataContent's content octets, a
 * module body, an authenticated variable's serialization) with `signer`'s key.
 */
export function verifySignerInfo(si: SignerInfo, signer: Certificate, data: Uint8Array, eContentType: string): SignerCheck {
  const hash = digestName(si.digestAlgorithm.oid);
  if (!hash) return { ok: false, reason: `unsupported digest algorithm ${si.digestAlgorithm.oid}` };
  const key = cachedKey(signer);
  if (!key) return { ok: false, reason: 'the signing certificate has an unusable public key' };
  if (si.signedAttrs) {
    const ctT = signedAttribute(si, OID_PKCS7.contentType);
    const mdT = signedAttribute(si, OID_PKCS7.messageDigest);
    if (!ctT || !mdT) return { ok: false, reason: 'signed attributes lack contentType or messageDigest' };
    let ct: string;
    try {
      ct = readOid(ctT);
    } catch {
      return { ok: false, reason: 'malformed contentType attribute' };
    }
    if (ct !== eContentType) return { ok: false, reason: `contentType attribute ${ct} differs from the content type ${eContentType}` };
    const md = new Uint8Array(createHash(hash).update(data).digest());
    if (!bytesEqual(content(mdT), md)) return { ok: false, reason: 'messageDigest attribute does not match the signed content' };
    return signatureOk(si, hash, key, si.signedAttrs.signedBytes) ? { ok: true } : { ok: false, reason: 'bad signature' };
  }
  return signatureOk(si, hash, key, data) ? { ok: true } : { ok: false, reason: 'bad signature' };
}

function signatureOk(si: SignerInfo, hash: string, key: KeyObject, data: Uint8Array): boolean {
  const oid = si.signatureAlgorithm.oid;
  // rsaEncryption / ecPublicKey name only the key type: the digest comes from digestAlgorithm.
  if (oid === OID.rsaEncryption) return tryVerify(hash, data, key, si.signature);
  if (oid === OID.ecPublicKey) return tryVerify(hash, data, { key, dsaEncoding: 'der' }, si.signature);
  const scheme = signatureScheme(oid);
  if (scheme) return tryVerify(scheme.hash, data, scheme.scheme === 'ecdsa' ? { key, dsaEncoding: 'der' } : key, si.signature);
  return verifySignature(si.signatureAlgorithm, key, data, si.signature);
}

function tryVerify(hash: string, data: Uint8Array, key: KeyObject | { key: KeyObject; dsaEncoding: 'der' }, sig: Uint8Array): boolean {
  try {
    return cryptoVerify(hash, data, key, sig);
  } catch {
    return false;
  }
}
