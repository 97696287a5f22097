/**
 * PKCS#7 / CMS SignedData (RFC 2315 §9, RFC 5652 §5) parsed for verification, on the project's
 * hand-written DER walker (every value a view into the input; no object tree).
 *
 * Accepts a ContentInfo wrapping SignedData (Authenticode, module signatures) or a bare
 * SignedData (what some EFI_VARIABLE_AUTHENTICATION_2 producers emit; edk2 wraps it before
 * verifying). Trailing bytes after the DER are tolerated and reported: Authenticode entries
 * carry zero padding (reference/secureboot.md G5); callers decide whether that is acceptable.
 */
import { WireError } from '../../core/errors.js';
import {
  TAG,
  children,
  content,
  contextTag,
  encoded,
  expectTag,
  readOid,
  readSmallInt,
  readTlv,
  sequence,
  parseAlgorithmIdentifier,
  type AlgorithmIdentifier,
  type Tlv,
} from '../../core/asn1/index.js';
import { OID_PKCS7 } from './oids.js';

export type SignerIdentifier =
  | { readonly kind: 'issuerAndSerialNumber'; readonly issuer: Uint8Array; readonly serialNumber: Uint8Array }
  | { readonly kind: 'subjectKeyIdentifier'; readonly keyId: Uint8Array };

export interface Attribute {
  readonly oid: string;
  readonly values: readonly Tlv[];
}

export interface SignerInfo {
  readonly version: number;
  readonly sid: SignerIdentifier;
  readonly digestAlgorithm: AlgorithmIdentifier;
  /** Signed attributes, when present: the parsed list and the DER that the signature covers (re-tagged as SET OF, RFC 5652 §5.4). */
  readonly signedAttrs: { readonly attributes: readonly Attribute[]; readonly signedBytes: Uint8Array } | undefined;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly unsignedAttrs: readonly Attribute[];
}

export interface SignedData {
  readonly version: number;
  readonly digestAlgorithms: readonly AlgorithmIdentifier[];
  /** encapContentInfo.eContentType. */
  readonly contentType: string;
  /** The value inside encapContentInfo's [0] EXPLICIT, when the content is embedded (a view). */
  readonly content: Tlv | undefined;
  /** Each CertificateChoices that is a plain Certificate, as DER views (other choices are skipped). */
  readonly certificates: readonly Uint8Array[];
  readonly signerInfos: readonly SignerInfo[];
  /** Offset one past the DER in the input; bytes after it are padding the caller may check. */
  readonly end: number;
}

/** Parse ContentInfo(SignedData) or bare SignedData from `bytes`. `base` offsets error messages. */
export function parseSignedData(bytes: Uint8Array, base = 0): SignedData {
  const what = 'ContentInfo';
  const top = readTlv(bytes, 0, bytes.length, what, base);
  const fail = (msg: string, t: Tlv) => new WireError(msg, base + t.start, what);
  let sdT: Tlv;
  const first = children(top, what)[0];
  if (!first) throw fail('empty SEQUENCE', top);
  if (first.tag === TAG.OID) {
    const [oidT, explicit] = sequence(top, what, 2);
    const ct = readOid(oidT!, `${what}.contentType`);
    if (ct !== OID_PKCS7.signedData) throw fail(`contentType ${ct} is not signedData`, oidT!);
    expectTag(explicit!, contextTag(0, true), `${what}.content`);
    const inner = children(explicit!, `${what}.content`)[0];
    if (!inner) throw fail('empty content', explicit!);
    sdT = inner;
  } else {
    sdT = top; // bare SignedData (starts with the version INTEGER)
  }
  return { ...parseSignedDataBody(sdT, base), end: top.end };
}

function parseSignedDataBody(t: Tlv, base: number): Omit<SignedData, 'end'> {
  const what = 'SignedData';
  const parts = sequence(t, what, 4);
  let i = 0;
  const version = readSmallInt(parts[i++]!, `${what}.version`);
  const digestAlgorithms = sequence(parts[i++]!, `${what}.digestAlgorithms`, 0, TAG.SET).map((a) => parseAlgorithmIdentifier(a, `${what}.digestAlgorithms`));
  const eci = sequence(parts[i++]!, `${what}.encapContentInfo`, 1);
  const contentType = readOid(eci[0]!, `${what}.encapContentInfo.eContentType`);
  let contentT: Tlv | undefined;
  if (eci[1]) {
    expectTag(eci[1], contextTag(0, true), `${what}.encapContentInfo.eContent`);
    contentT = children(eci[1], `${what}.encapContentInfo.eContent`)[0];
  }
  const certificates: Uint8Array[] = [];
  if (parts[i]?.tag === contextTag(0, true)) {
    for (const c of children(parts[i]!, `${what}.certificates`)) if (c.tag === TAG.SEQUENCE) certificates.push(encoded(c));
    i++;
  }
  if (parts[i]?.tag === contextTag(1, true)) i++; // crls: not used by UEFI or the kernel
  const sisT = parts[i];
  if (!sisT) throw new WireError('missing signerInfos', base + t.end, what);
  const signerInfos = sequence(sisT, `${what}.signerInfos`, 0, TAG.SET).map((s, n) => parseSignerInfo(s, `${what}.signerInfos[${n}]`));
  return { version, digestAlgorithms, contentType, content: contentT, certificates, signerInfos };
}

function parseAttributes(t: Tlv, what: string): Attribute[] {
  return children(t, what).map((a) => {
    const [oidT, valuesT] = sequence(a, `${what}.Attribute`, 2);
    return { oid: readOid(oidT!, `${what}.attrType`), values: sequence(valuesT!, `${what}.attrValues`, 0, TAG.SET) };
  });
}

function parseSignerInfo(t: Tlv, what: string): SignerInfo {
  const parts = sequence(t, what, 5);
  let i = 0;
  const version = readSmallInt(parts[i++]!, `${what}.version`);
  const sidT = parts[i++]!;
  let sid: SignerIdentifier;
  if (sidT.tag === TAG.SEQUENCE) {
    const [issuerT, serialT] = sequence(sidT, `${what}.issuerAndSerialNumber`, 2);
    expectTag(issuerT!, TAG.SEQUENCE, `${what}.issuerAndSerialNumber.issuer`);
    expectTag(serialT!, TAG.INTEGER, `${what}.issuerAndSerialNumber.serialNumber`);
    sid = { kind: 'issuerAndSerialNumber', issuer: encoded(issuerT!), serialNumber: content(serialT!) };
  } else if (sidT.tag === contextTag(0, false)) {
    sid = { kind: 'subjectKeyIdentifier', keyId: content(sidT) };
  } else {
    throw new WireError(`unknown SignerIdentifier tag 0x${sidT.tag.toString(16)}`, sidT.start, `${what}.sid`);
  }
  const digestAlgorithm = parseAlgorithmIdentifier(parts[i++]!, `${what}.digestAlgorithm`);
  let signedAttrs: SignerInfo['signedAttrs'];
  if (parts[i]?.tag === contextTag(0, true)) {
    const a = parts[i++]!;
    const signedBytes = encoded(a).slice();
    signedBytes[0] = TAG.SET; // RFC 5652 §5.4: the signature covers the DER of SET OF Attribute
    signedAttrs = { attributes: parseAttributes(a, `${what}.signedAttrs`), signedBytes };
  }
  const sigAlgT = parts[i++];
  const sigT = parts[i++];
  if (!sigAlgT || !sigT) throw new WireError('missing signatureAlgorithm or signature', t.end, what);
  const signatureAlgorithm = parseAlgorithmIdentifier(sigAlgT, `${what}.signatureAlgorithm`);
  const signature = content(expectTag(sigT, TAG.OCTET_STRING, `${what}.signature`));
  const unsignedAttrs = parts[i]?.tag === contextTag(1, true) ? parseAttributes(parts[i]!, `${what}.unsignedAttrs`) : [];
  return { version, sid, digestAlgorithm, signedAttrs, signatureAlgorithm, signature, unsignedAttrs };
}

/** The first value of a signed attribute, or undefined. */
export function signedAttribute(si: SignerInfo, oid: string): Tlv | undefined {
  return si.signedAttrs?.attributes.find((a) => a.oid === oid)?.values[0];
}
