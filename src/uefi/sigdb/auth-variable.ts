/**
 * Authenticated variable updates (UEFI 2.10 §8.2.2 "Using the EFI_VARIABLE_AUTHENTICATION_2
 * descriptor"; edk2 AuthVariableLib AuthService.c VerifyTimeBasedPayload):
 *
 *   EFI_VARIABLE_AUTHENTICATION_2 { EFI_TIME TimeStamp; WIN_CERTIFICATE_UEFI_GUID AuthInfo }
 *   WIN_CERTIFICATE_UEFI_GUID { WIN_CERTIFICATE Hdr (wCertificateType 0x0EF1);
 *                               EFI_GUID CertType (EFI_CERT_TYPE_PKCS7_GUID); UINT8 CertData[] }
 *   followed by the new variable data (for db/dbx: EFI_SIGNATURE_LISTs).
 *
 * The detached PKCS#7 signs VariableName (UCS-2, no NUL) || VendorGuid || Attributes (UINT32)
 * || TimeStamp || Data. A db/dbx update must be signed by a KEK certificate (or the PK), a KEK
 * update by the PK. TimeStamp's Pad1, Nanosecond, TimeZone, Daylight and Pad2 must be zero, and
 * a replacing write must be newer than the variable's current timestamp (appends are exempt).
 */
import { ByteReader, ByteWriter, concat } from '../../core/bytes.js';
import { parseCertificate, type Certificate } from '../../core/asn1/index.js';
import { EFI_CERT_TYPE_PKCS7_GUID, encodeGuid, encodeUcs2, formatGuid, parseSignatureLists, encodeSignatureLists, type EfiGuid } from '../../core/efi/index.js';
import { isTlError } from '../../core/errors.js';
import type { KeyObject } from 'node:crypto';
import { certName } from '../authenticode/signature.js';
import { signData } from '../pkcs7/build.js';
import { OID_PKCS7 } from '../pkcs7/oids.js';
import { parseSignedData } from '../pkcs7/signed-data.js';
import { matchesSigner, verifySignerInfo } from '../pkcs7/verify.js';
import { findTrustPath } from '../verify/chain.js';
import { certAuthority } from '../verify/verify-image.js';
import type { Authority } from '../verify/verdict.js';
import { WIN_CERT_REVISION_2_0, WIN_CERT_TYPE_EFI_GUID } from '../pe/win-certificate.js';
import type { SignatureDatabase } from './database.js';

export const EFI_VARIABLE = {
  NON_VOLATILE: 0x01,
  BOOTSERVICE_ACCESS: 0x02,
  RUNTIME_ACCESS: 0x04,
  TIME_BASED_AUTHENTICATED_WRITE_ACCESS: 0x20,
  APPEND_WRITE: 0x40,
} as const;
/** NV | BS | RT | TIME_BASED_AUTHENTICATED_WRITE_ACCESS: the attributes of PK, KEK, db, dbx. */
export const SECURE_BOOT_VARIABLE_ATTRIBUTES = 0x27;

/** EFI_TIME (UEFI 2.10 §8.3 GetTime): 16 bytes. Only the date and time fields may be non-zero here. */
export function encodeEfiTime(d: Date): Uint8Array {
  return new ByteWriter(16).u16le(d.getUTCFullYear()).u8(d.getUTCMonth() + 1).u8(d.getUTCDate()).u8(d.getUTCHours()).u8(d.getUTCMinutes()).u8(d.getUTCSeconds()).u8(0).u32le(0).u16le(0).u8(0).u8(0).finish();
}

export interface AuthenticatedUpdate {
  readonly timestamp: Date;
  /** The raw 16 bytes, as signed. */
  readonly timestampBytes: Uint8Array;
  readonly certData: Uint8Array;
  /** The new variable data after the descriptor. */
  readonly data: Uint8Array;
}

/** Split an EFI_VARIABLE_AUTHENTICATION_2 payload into its parts (structure only, nothing verified). */
export function parseAuthenticatedUpdate(bytes: Uint8Array): AuthenticatedUpdate {
  const r = new ByteReader(bytes, { path: ['EFI_VARIABLE_AUTHENTICATION_2'] });
  const timestampBytes = r.bytesView(16, 'TimeStamp');
  const t = new DataView(timestampBytes.buffer, timestampBytes.byteOffset, 16);
  if (t.getUint8(7) !== 0 || t.getUint32(8, true) !== 0 || t.getInt16(12, true) !== 0 || t.getUint8(14) !== 0 || t.getUint8(15) !== 0) {
    throw r.error('TimeStamp Pad1, Nanosecond, TimeZone, Daylight and Pad2 must be zero', 7);
  }
  const timestamp = new Date(Date.UTC(t.getUint16(0, true), t.getUint8(2) - 1, t.getUint8(3), t.getUint8(4), t.getUint8(5), t.getUint8(6)));
  const dwLength = r.u32le();
  const rev = r.u16le();
  const type = r.u16le();
  if (rev !== WIN_CERT_REVISION_2_0 || type !== WIN_CERT_TYPE_EFI_GUID) throw r.error(`AuthInfo must be WIN_CERTIFICATE_UEFI_GUID revision 2.0 (got type 0x${type.toString(16)}, revision 0x${rev.toString(16)})`, 20);
  if (dwLength < 24) throw r.error(`dwLength ${dwLength} is smaller than the WIN_CERTIFICATE_UEFI_GUID header`, 16);
  const certType = formatGuid(r.bytesView(16, 'CertType'));
  if (certType !== EFI_CERT_TYPE_PKCS7_GUID) throw r.error(`CertType ${certType} is not EFI_CERT_TYPE_PKCS7_GUID`, 24);
  const certData = r.bytesView(dwLength - 24, 'CertData');
  return { timestamp, timestampBytes, certData, data: bytes.subarray(r.offset) };
}

/** The bytes the PKCS#7 signs (§8.2.2 step 2). */
export function authenticatedVariableSignedBytes(name: string, guid: EfiGuid, attributes: number, timestamp: Uint8Array, data: Uint8Array): Uint8Array {
  return concat(encodeUcs2(name), encodeGuid(guid), new ByteWriter(4).u32le(attributes).finish(), timestamp, data);
}

export interface VariableSigner {
  readonly key: KeyObject;
  readonly cert: Uint8Array | Certificate;
}

/** Produce an EFI_VARIABLE_AUTHENTICATION_2 || data payload, as efitools' sign-efi-sig-list does (bare SignedData, signer certificate included). */
export function signVariableUpdate(o: { name: string; guid: EfiGuid; attributes: number; timestamp: Date; data: Uint8Array; signer: VariableSigner }): Uint8Array {
  const cert = o.signer.cert instanceof Uint8Array ? parseCertificate(o.signer.cert) : o.signer.cert;
  const ts = encodeEfiTime(o.timestamp);
  const p7 = signData({
    key: o.signer.key,
    cert,
    eContentType: OID_PKCS7.data,
    signedContent: authenticatedVariableSignedBytes(o.name, o.guid, o.attributes, ts, o.data),
    signedAttributes: false,
    certificates: [cert.der],
    contentInfo: false,
  });
  return concat(ts, new ByteWriter(24).u32le(24 + p7.length).u16le(WIN_CERT_REVISION_2_0).u16le(WIN_CERT_TYPE_EFI_GUID).bytes(encodeGuid(EFI_CERT_TYPE_PKCS7_GUID)).finish(), p7, o.data);
}

export interface UpdateVerdict {
  readonly accepted: boolean;
  readonly reason: string;
  readonly signer?: string;
  readonly authority?: Authority;
  readonly append: boolean;
  /** The variable's data after the update (append merges without duplicates), when accepted. */
  readonly newData?: Uint8Array;
  readonly timestamp?: Date;
}

/**
 * Decide a SetVariable() of an authenticated Secure Boot variable.
 * `authorities`: who may sign (for db/dbx: KEK and PK; for KEK: PK). `current`: the variable's data and timestamp now.
 */
export function verifyAuthenticatedUpdate(
  req: { name: string; guid: EfiGuid; attributes: number; payload: Uint8Array },
  authorities: readonly SignatureDatabase[],
  current: { data?: Uint8Array; timestamp?: Date } = {},
): UpdateVerdict {
  const append = (req.attributes & EFI_VARIABLE.APPEND_WRITE) !== 0;
  const refuse = (reason: string, extra: Partial<UpdateVerdict> = {}): UpdateVerdict => ({ accepted: false, reason, append, ...extra });
  if ((req.attributes & EFI_VARIABLE.TIME_BASED_AUTHENTICATED_WRITE_ACCESS) === 0) {
    return refuse(`${req.name} update refused: it is not an authenticated write (EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS not set)`);
  }
  let u: AuthenticatedUpdate;
  let sd;
  try {
    u = parseAuthenticatedUpdate(req.payload);
    sd = parseSignedData(u.certData);
    if (req.name === 'db' || req.name === 'dbx' || req.name === 'KEK' || req.name === 'PK' || req.name === 'MokList' || req.name === 'MokListX') parseSignatureLists(u.data);
  } catch (e) {
    if (!isTlError(e)) throw e;
    return refuse(`${req.name} update refused: malformed: ${e.message}`);
  }
  const si = sd.signerInfos[0];
  if (!si || sd.signerInfos.length !== 1) return refuse(`${req.name} update refused: it carries no signature`);
  let bag: Certificate[];
  try {
    bag = sd.certificates.map((c) => parseCertificate(c));
  } catch (e) {
    if (!isTlError(e)) throw e;
    return refuse(`${req.name} update refused: malformed certificate: ${e.message}`);
  }
  const anchors = authorities.flatMap((d) => d.certs);
  const signer = bag.find((c) => matchesSigner(si, c)) ?? anchors.find((a) => matchesSigner(si, a.cert))?.cert;
  const names = authorities.map((d) => d.name).join(' or ');
  if (!signer) return refuse(`${req.name} update refused: the signing certificate is not in the update nor in ${names}`);
  const who = certName(signer);
  const signed = authenticatedVariableSignedBytes(req.name, req.guid, req.attributes, u.timestampBytes, u.data);
  const check = verifySignerInfo(si, signer, signed, sd.contentType);
  if (!check.ok) return refuse(`${req.name} update refused: signature by ${who} does not verify (${check.reason})`, { signer: who });
  const path = findTrustPath(signer, bag, anchors);
  if (!path) return refuse(`${req.name} update refused: signed by ${who}, which chains to no certificate in ${names}`, { signer: who });
  if (!append && current.timestamp && u.timestamp.getTime() <= current.timestamp.getTime()) {
    return refuse(`${req.name} update refused: timestamp ${u.timestamp.toISOString()} is not newer than the variable's ${current.timestamp.toISOString()} (replay)`, { signer: who });
  }
  const newData = append ? appendSignatureLists(current.data ?? new Uint8Array(0), u.data) : u.data.slice();
  const timestamp = append && current.timestamp && current.timestamp > u.timestamp ? current.timestamp : u.timestamp;
  return { accepted: true, append, reason: `${req.name} update signed by ${who}, which chains to ${certName(path.anchor.cert)} in ${path.anchor.database}`, signer: who, authority: certAuthority(path.anchor), newData, timestamp };
}

/** Append signature lists, dropping EFI_SIGNATURE_DATA already present (edk2 FilterSignatureList). */
export function appendSignatureLists(current: Uint8Array, add: Uint8Array): Uint8Array {
  const have = new Set(parseSignatureLists(current).flatMap((l) => l.Signatures.map((s) => `${l.SignatureType}/${Buffer.from(s.SignatureData).toString('hex')}`)));
  const fresh = parseSignatureLists(add)
    .map((l) => ({ SignatureType: l.SignatureType, SignatureHeader: l.SignatureHeader, Signatures: l.Signatures.filter((s) => !have.has(`${l.SignatureType}/${Buffer.from(s.SignatureData).toString('hex')}`)) }))
    .filter((l) => l.Signatures.length > 0);
  return fresh.length ? concat(current, encodeSignatureLists(fresh)) : current.slice();
}
