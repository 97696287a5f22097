/**
 * X.509 v3 certificates (RFC 5280 §4.1): parse, verify a signature, and issue.
 *
 * Parsing keeps every raw part that is hashed or compared (the TBSCertificate, issuer and
 * subject Names, the SubjectPublicKeyInfo), so chain building and signature checks work on the
 * exact bytes that were signed. Validity dates are parsed but never enforced here: UEFI firmware
 * does not check expiry at boot (reference/secureboot.md G7); callers decide.
 */
import { createHash, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { WireError } from '../errors.js';
import {
  TAG,
  children,
  content,
  contextTag,
  der,
  encoded,
  expectTag,
  parseDer,
  readBitString,
  readBoolean,
  readInteger,
  readOid,
  readSmallInt,
  readTime,
  sequence,
  type Tlv,
} from './der.js';
import { parseName, type Name } from './name.js';
import { OID, signatureScheme } from './oids.js';

export interface AlgorithmIdentifier {
  readonly oid: string;
  /** DER of the parameters, if present. */
  readonly parameters?: Uint8Array;
}

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING's content: the DER of the extension value. */
  readonly value: Uint8Array;
}

export interface Certificate {
  readonly der: Uint8Array;
  /** The signed part, exactly as encoded. */
  readonly tbs: Uint8Array;
  readonly version: number;
  /** Serial number magnitude bytes as encoded (may carry a leading 0x00). */
  readonly serialNumber: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly issuer: Name;
  readonly subject: Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** DER of SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  readonly publicKeyAlgorithm: AlgorithmIdentifier;
  readonly extensions: readonly Extension[];
  readonly signature: Uint8Array;
}

export function parseAlgorithmIdentifier(t: Tlv, what = 'AlgorithmIdentifier'): AlgorithmIdentifier {
  const [oid, params] = sequence(t, what, 1);
  const id = readOid(oid!, what);
  return params && params.tag !== TAG.NULL ? { oid: id, parameters: encoded(params).slice() } : { oid: id };
}

/** Parse a DER certificate. Throws WireError with the offset on malformed input. */
export function parseCertificate(bytes: Uint8Array): Certificate {
  const what = 'Certificate';
  const top = parseDer(bytes, what);
  const [tbsT, sigAlgT, sigT] = sequence(top, what, 3);
  const tbsParts = sequence(tbsT!, `${what}.tbsCertificate`, 6);
  let i = 0;
  let version = 1;
  if (tbsParts[0]!.tag === contextTag(0, true)) {
    version = readSmallInt(children(tbsParts[0]!, 'version')[0] ?? tbsParts[0]!, 'version') + 1;
    i++;
  }
  const serialT = expectTag(tbsParts[i++]!, TAG.INTEGER, 'serialNumber');
  const sigAlgInner = parseAlgorithmIdentifier(tbsParts[i++]!, 'signature');
  const issuer = parseName(tbsParts[i++]!, 'issuer');
  const validity = sequence(tbsParts[i++]!, 'validity', 2);
  const subject = parseName(tbsParts[i++]!, 'subject');
  const spkiT = tbsParts[i++];
  if (!spkiT) throw new WireError('missing subjectPublicKeyInfo', tbsT!.end, what);
  const [pkAlgT] = sequence(spkiT, 'subjectPublicKeyInfo', 2);
  const extensions: Extension[] = [];
  for (; i < tbsParts.length; i++) {
    const t = tbsParts[i]!;
    if (t.tag !== contextTag(3, true)) continue; // issuerUniqueID / subjectUniqueID are ignored
    const [extsT] = children(t, 'extensions');
    for (const e of sequence(extsT ?? t, 'extensions')) {
      const parts = sequence(e, 'Extension', 2);
      const critical = parts.length === 3 ? readBoolean(parts[1]!, 'Extension.critical') : false;
      const valueT = expectTag(parts[parts.length - 1]!, TAG.OCTET_STRING, 'Extension.extnValue');
      extensions.push({ oid: readOid(parts[0]!, 'Extension.extnID'), critical, value: content(valueT).slice() });
    }
  }
  const outerAlg = parseAlgorithmIdentifier(sigAlgT!, 'signatureAlgorithm');
  if (outerAlg.oid !== sigAlgInner.oid) throw new WireError('signature algorithm mismatch between TBS and outer', sigAlgT!.start, what);
  const { bits } = readBitString(sigT!, 'signatureValue');
  return {
    der: bytes.slice(),
    tbs: encoded(tbsT!).slice(),
    version,
    serialNumber: content(serialT).slice(),
    signatureAlgorithm: outerAlg,
    issuer,
    subject,
    notBefore: readTime(validity[0]!, 'notBefore'),
    notAfter: readTime(validity[1]!, 'notAfter'),
    spki: encoded(spkiT).slice(),
    publicKeyAlgorithm: parseAlgorithmIdentifier(pkAlgT!, 'subjectPublicKeyInfo.algorithm'),
    extensions,
    signature: bits.slice(),
  };
}

/** The certificate's public key as a node:crypto KeyObject. */
export function publicKeyOf(cert: Certificate): KeyObject {
  return createPublicKey({ key: Buffer.from(cert.spki), format: 'der', type: 'spki' });
}

/**
 * Verify `signature` over `data` with `key` for an X.509/CMS signature algorithm OID
 * (RSA PKCS#1 v1.5, RSASSA-PSS with its parameters, ECDSA with DER signatures).
 * Returns false for a bad signature or an algorithm we do not support.
 */
export function verifySignature(alg: AlgorithmIdentifier, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  let hash: string;
  let options: { padding?: number; saltLength?: number; dsaEncoding?: 'der' } = {};
  const known = signatureScheme(alg.oid);
  if (known) {
    hash = known.hash;
    if (known.scheme === 'ecdsa') options = { dsaEncoding: 'der' };
  } else if (alg.oid === OID.rsassaPss && alg.parameters) {
    const pss = parsePssParams(alg.parameters);
    if (!pss) return false;
    hash = pss.hash;
    options = { padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: pss.saltLength };
  } else {
    return false;
  }
  try {
    return cryptoVerify(hash, data, { key, ...options }, signature);
  } catch {
    return false;
  }
}

function parsePssParams(params: Uint8Array): { hash: string; saltLength: number } | undefined {
  try {
    let hash = 'sha1';
    let saltLength = 20;
    for (const p of sequence(parseDer(params), 'RSASSA-PSS-params')) {
      const inner = children(p)[0];
      if (!inner) continue;
      if (p.tag === contextTag(0, true)) {
        const names: Record<string, string> = { [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512', [OID.sha1]: 'sha1' };
        hash = names[parseAlgorithmIdentifier(inner).oid] ?? '';
      } else if (p.tag === contextTag(2, true)) {
        saltLength = Number(readInteger(inner));
      }
    }
    return hash ? { hash, saltLength } : undefined;
  } catch {
    return undefined;
  }
}

/** True when `cert`'s signature verifies with `issuerKey` (no name, date or usage checks). */
export function verifyCertificateSignature(cert: Certificate, issuerKey: KeyObject): boolean {
  return verifySignature(cert.signatureAlgorithm, issuerKey, cert.tbs, cert.signature);
}

// ---------------------------------------------------------------------------------------------
// Extensions (RFC 5280 §4.2.1)

export function findExtension(cert: Certificate, oid: string): Extension | undefined {
  return cert.extensions.find((e) => e.oid === oid);
}

export function basicConstraints(cert: Certificate): { ca: boolean; pathLen?: number } | undefined {
  const e = findExtension(cert, OID.basicConstraints);
  if (!e) return undefined;
  const parts = sequence(parseDer(e.value, 'BasicConstraints'), 'BasicConstraints');
  let ca = false;
  let pathLen: number | undefined;
  for (const p of parts) {
    if (p.tag === TAG.BOOLEAN) ca = readBoolean(p);
    else if (p.tag === TAG.INTEGER) pathLen = readSmallInt(p);
  }
  return pathLen === undefined ? { ca } : { ca, pathLen };
}

/** KeyUsage bits by name (digitalSignature, keyCertSign, …), or undefined when absent. */
export function keyUsage(cert: Certificate): Set<string> | undefined {
  const e = findExtension(cert, OID.keyUsage);
  if (!e) return undefined;
  const { bits } = readBitString(parseDer(e.value, 'KeyUsage'));
  const names = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];
  const out = new Set<string>();
  names.forEach((n, i) => {
    if ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) out.add(n);
  });
  return out;
}

export function extendedKeyUsage(cert: Certificate): string[] | undefined {
  const e = findExtension(cert, OID.extKeyUsage);
  return e ? sequence(parseDer(e.value, 'ExtKeyUsage'), 'ExtKeyUsage').map((t) => readOid(t)) : undefined;
}

export function subjectKeyIdentifier(cert: Certificate): Uint8Array | undefined {
  const e = findExtension(cert, OID.subjectKeyIdentifier);
  return e ? content(expectTag(parseDer(e.value), TAG.OCTET_STRING, 'SubjectKeyIdentifier')).slice() : undefined;
}

export function authorityKeyIdentifier(cert: Certificate): Uint8Array | undefined {
  const e = findExtension(cert, OID.authorityKeyIdentifier);
  if (!e) return undefined;
  const keyId = sequence(parseDer(e.value), 'AuthorityKeyIdentifier').find((t) => t.tag === contextTag(0, false));
  return keyId ? content(keyId).slice() : undefined;
}

/** GeneralNames of the subjectAltName extension: tag number (RFC 5280 §4.2.1.6) and raw content. */
export function subjectAltNames(cert: Certificate): { tag: number; value: Uint8Array }[] | undefined {
  const e = findExtension(cert, OID.subjectAltName);
  if (!e) return undefined;
  return sequence(parseDer(e.value), 'SubjectAltName').map((t) => ({ tag: t.tag & 0x1f, value: (t.tag & 0x20 ? encoded(t) : content(t)).slice() }));
}

// ---------------------------------------------------------------------------------------------
// Issuing

export interface CertificateTemplate {
  /** Positive serial number (RFC 5280 §4.1.2.2: at most 20 octets). */
  serialNumber: bigint | Uint8Array;
  /** DER Name of the issuer (use `encodeName`, or `cert.subject.der` of the CA). */
  issuer: Uint8Array;
  /** DER Name of the subject; an empty SEQUENCE is allowed (TCG EK certificates). */
  subject: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** The subject's public key. */
  publicKey: KeyObject;
  extensions?: readonly { oid: string; critical?: boolean; value: Uint8Array }[];
}

/** Signature AlgorithmIdentifier DER for a signing key and hash. */
function signatureAlgorithmFor(key: KeyObject, hash: string): { alg: Uint8Array; dsaEncoding?: 'der' } {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') {
    const oid = { sha1: OID.sha1WithRSAEncryption, sha256: OID.sha256WithRSAEncryption, sha384: OID.sha384WithRSAEncryption, sha512: OID.sha512WithRSAEncryption }[hash];
    if (!oid) throw new RangeError(`unsupported hash ${hash}`);
    return { alg: der.seq(der.oid(oid), der.null()) };
  }
  if (type === 'ec') {
    const oid = { sha256: OID.ecdsaWithSHA256, sha384: OID.ecdsaWithSHA384, sha512: OID.ecdsaWithSHA512 }[hash];
    if (!oid) throw new RangeError(`unsupported hash ${hash}`);
    return { alg: der.seq(der.oid(oid)), dsaEncoding: 'der' };
  }
  throw new RangeError(`unsupported signing key type ${type}`);
}

/** Issue a certificate: encode the TBS from `template` and sign it with `issuerKey` (RSA PKCS#1 v1.5 or ECDSA). */
export function issueCertificate(template: CertificateTemplate, issuerKey: KeyObject, hash = 'sha256'): Uint8Array {
  const { alg, dsaEncoding } = signatureAlgorithmFor(issuerKey, hash);
  const spki = new Uint8Array(template.publicKey.export({ format: 'der', type: 'spki' }));
  const exts = template.extensions ?? [];
  const tbs = der.seq(
    der.explicit(0, der.int(2)),
    der.int(template.serialNumber),
    alg,
    template.issuer,
    der.seq(der.time(template.notBefore), der.time(template.notAfter)),
    template.subject,
    spki,
    ...(exts.length
      ? [der.explicit(3, der.seq(...exts.map((e) => der.seq(der.oid(e.oid), ...(e.critical ? [der.bool(true)] : []), der.octets(e.value)))))]
      : []),
  );
  const signature = cryptoSign(hash, tbs, dsaEncoding ? { key: issuerKey, dsaEncoding } : issuerKey);
  return der.seq(tbs, alg, der.bits(new Uint8Array(signature)));
}

/** Extension value encoders for issuing. */
export const ext = {
  basicConstraints: (ca: boolean, pathLen?: number) => ({
    oid: OID.basicConstraints,
    critical: true,
    value: der.seq(...(ca ? [der.bool(true)] : []), ...(ca && pathLen !== undefined ? [der.int(pathLen)] : [])),
  }),
  keyUsage: (usages: readonly string[]) => {
    const names = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'];
    let v = 0;
    let last = -1;
    for (const u of usages) {
      const i = names.indexOf(u);
      if (i < 0) throw new RangeError(`unknown key usage ${u}`);
      v |= 0x80 >> i;
      last = Math.max(last, i);
    }
    return { oid: OID.keyUsage, critical: true, value: der.bits(Uint8Array.of(v), 7 - last) };
  },
  extKeyUsage: (oids: readonly string[], critical = false) => ({ oid: OID.extKeyUsage, critical, value: der.seq(...oids.map((o) => der.oid(o))) }),
  subjectKeyIdentifier: (id: Uint8Array) => ({ oid: OID.subjectKeyIdentifier, value: der.octets(id) }),
  authorityKeyIdentifier: (id: Uint8Array) => ({ oid: OID.authorityKeyIdentifier, value: der.seq(der.implicit(0, id)) }),
  /** subjectAltName from DNS names and IP addresses (v4 or v6 as bytes). */
  subjectAltName: (names: { dns?: readonly string[]; ip?: readonly Uint8Array[]; directoryName?: Uint8Array }, critical = false) => ({
    oid: OID.subjectAltName,
    critical,
    value: der.seq(
      ...(names.directoryName ? [der.explicit(4, names.directoryName)] : []),
      ...(names.dns ?? []).map((d) => der.implicit(2, new TextEncoder().encode(d))),
      ...(names.ip ?? []).map((a) => der.implicit(7, a)),
    ),
  }),
};

/** Key identifier as RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING content. */
export function keyIdentifier(publicKey: KeyObject): Uint8Array {
  const spki = parseDer(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })));
  const [, bitString] = sequence(spki, 'SubjectPublicKeyInfo', 2);
  const { bits } = readBitString(bitString!);
  return new Uint8Array(createHash('sha1').update(bits).digest());
}
