/**
 * Build PKCS#7 SignedData (RFC 2315 §9 / RFC 5652 §5) for our own signatures: Authenticode
 * (embedded SpcIndirectDataContent, signed attributes), kernel module signatures (detached,
 * no attributes, no certificates — as scripts/sign-file makes them) and authenticated variable
 * updates (detached, no attributes, signer certificate included — as efitools does).
 * The output is deterministic for deterministic signature schemes (RSA PKCS#1 v1.5).
 */
import { createHash, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { der, OID, subjectKeyIdentifier, type Certificate } from '../../core/asn1/index.js';
import { OID_PKCS7 } from './oids.js';

export type DigestName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface SignOptions {
  readonly key: KeyObject;
  readonly cert: Certificate;
  readonly hash?: DigestName;
  /** encapContentInfo.eContentType (id-data for detached signatures). */
  readonly eContentType: string;
  /** DER of the eContent value, embedded in [0] EXPLICIT; omit for a detached signature. */
  readonly eContent?: Uint8Array;
  /** The bytes the signature is over: messageDigest input with attributes, the signed data without. */
  readonly signedContent: Uint8Array;
  /** Extra signed attributes (DER Attribute SEQUENCEs); `false` for no signed attributes at all. */
  readonly signedAttributes?: readonly Uint8Array[] | false;
  /** Certificates for the bag (DER); the signer's is not added implicitly. */
  readonly certificates?: readonly Uint8Array[];
  /** Identify the signer by subjectKeyIdentifier instead of issuer and serial number. */
  readonly useKeyId?: boolean;
  /** Wrap in ContentInfo (default true). */
  readonly contentInfo?: boolean;
  /** Encode digest AlgorithmIdentifiers with NULL parameters (PKCS#7/Authenticode: yes; OpenSSL CMS as sign-file uses: no). */
  readonly digestParamsNull?: boolean;
}

const DIGEST_OID: Record<DigestName, string> = { sha1: OID.sha1, sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 };
const ECDSA_OID: Partial<Record<DigestName, string>> = { sha256: OID.ecdsaWithSHA256, sha384: OID.ecdsaWithSHA384, sha512: OID.ecdsaWithSHA512 };

export const attribute = (oid: string, ...values: Uint8Array[]): Uint8Array => der.seq(der.oid(oid), der.set(...values));

export function signData(o: SignOptions): Uint8Array {
  const hash = o.hash ?? 'sha256';
  const digestAlg = o.digestParamsNull === false ? der.seq(der.oid(DIGEST_OID[hash])) : der.seq(der.oid(DIGEST_OID[hash]), der.null());
  const ec = o.key.asymmetricKeyType === 'ec';
  if (!ec && o.key.asymmetricKeyType !== 'rsa') throw new RangeError(`unsupported signing key type ${o.key.asymmetricKeyType}`);
  const sigAlg = ec ? der.seq(der.oid(ECDSA_OID[hash] ?? OID.ecdsaWithSHA256)) : der.seq(der.oid(OID.rsaEncryption), der.null());

  let signedAttrs: Uint8Array | undefined;
  let toSign = o.signedContent;
  if (o.signedAttributes !== false) {
    const md = new Uint8Array(createHash(hash).update(o.signedContent).digest());
    const attrs = [attribute(OID_PKCS7.contentType, der.oid(o.eContentType)), attribute(OID_PKCS7.messageDigest, der.octets(md)), ...(o.signedAttributes ?? [])];
    const set = der.set(...attrs); // SET OF sorted per DER (X.690 §11.6)
    toSign = set;
    signedAttrs = set.slice();
    signedAttrs[0] = 0xa0; // [0] IMPLICIT in the SignerInfo
  }
  const signature = new Uint8Array(cryptoSign(hash, toSign, ec ? { key: o.key, dsaEncoding: 'der' } : o.key));

  let sid: Uint8Array;
  let version = 1;
  if (o.useKeyId) {
    const ski = subjectKeyIdentifier(o.cert);
    if (!ski) throw new RangeError('signer certificate has no subjectKeyIdentifier');
    sid = der.implicit(0, ski);
    version = 3;
  } else {
    sid = der.seq(o.cert.issuer.der, der.int(o.cert.serialNumber));
  }
  const signerInfo = der.seq(der.int(version), sid, digestAlg, ...(signedAttrs ? [signedAttrs] : []), sigAlg, der.octets(signature));
  const eci = der.seq(der.oid(o.eContentType), ...(o.eContent ? [der.explicit(0, o.eContent)] : []));
  const certs = o.certificates ?? [];
  const signedData = der.seq(
    der.int(version === 3 ? 3 : 1),
    der.set(digestAlg),
    eci,
    ...(certs.length ? [der.implicit(0, concatAll(certs), true)] : []),
    der.set(signerInfo),
  );
  return o.contentInfo === false ? signedData : der.seq(der.oid(OID_PKCS7.signedData), der.explicit(0, signedData));
}

function concatAll(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}
