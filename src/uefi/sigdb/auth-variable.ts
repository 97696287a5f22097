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
 * || TimeStamp || Data. TimeStamp's Pad1, Nanosecond, TimeZone, Daylight and Pad2 must be zero,
 * and a replacing write must be newer than the variable's current timestamp (appends are exempt).
 *
 * WHO may sign WHICH variable is not the caller's choice: `updateAuthorities` derives it from the
 * variable's name and vendor GUID and the platform's current PK, KEK and mode (UEFI 2.10 §32.3
 * "Firmware/OS Key Exchange" and §32.3.3; edk2 AuthVariableLibProcessVariable, ProcessVarWithPk,
 * ProcessVarWithKek):
 *
 *   variable (vendor GUID)                       user mode                 setup mode (no PK)
 *   PK  (EFI_GLOBAL_VARIABLE)                    the current PK            self-signed by the new PK
 *   KEK (EFI_GLOBAL_VARIABLE)                    the PK                    not verified (edk2)
 *   db, dbx, dbt, dbr (IMAGE_SECURITY_DATABASE)  a KEK entry or the PK     not verified (edk2)
 *
 * In setup mode edk2 writes KEK/db/dbx from an EFI_VARIABLE_AUTHENTICATION_2 payload without
 * looking at its signature or comparing timestamps; so do we. A PK write with empty data deletes
 * the PK and returns the platform to setup mode; enrolling a PK enters user mode. Custom mode
 * (physical-presence key management), audit and deployed modes, and private authenticated
 * variables (any other name or GUID: the creator's certificate rule) are not modelled — an update
 * of a variable that is not a Secure Boot policy variable is refused.
 */
import { ByteReader, ByteWriter, concat } from '../../core/bytes.js';
import { parseCertificate, type Certificate } from '../../core/asn1/index.js';
import {
  EFI_CERT_RSA2048_GUID,
  EFI_CERT_TYPE_PKCS7_GUID,
  EFI_CERT_X509_GUID,
  EFI_GLOBAL_VARIABLE,
  EFI_IMAGE_SECURITY_DATABASE_GUID,
  encodeGuid,
  encodeUcs2,
  formatGuid,
  parseSignatureLists,
  encodeSignatureLists,
  type EfiGuid,
} from '../../core/efi/index.js';
import { isTlError } from '../../core/errors.js';
import type { KeyObject } from 'node:crypto';
import { certName } from '../authenticode/signature.js';
import { signData } from '../pkcs7/build.js';
import { OID_PKCS7 } from '../pkcs7/oids.js';
import { parseSignedData } from '../pkcs7/signed-data.js';
import { matchesSigner, verifySignerInfo } from '../pkcs7/verify.js';
import { findTrustPath } from '../verify/chain.js';
import { certAuthority, databasesPhrase } from '../verify/verify-image.js';
import type { Authority } from '../verify/verdict.js';
import { WIN_CERT_REVISION_2_0, WIN_CERT_TYPE_EFI_GUID } from '../pe/win-certificate.js';
import { databaseFromSignatureLists, type SignatureDatabase } from './database.js';

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

/** UEFI 2.10 §3.3 SetupMode: setup when no PK is enrolled, user once one is. */
export type PlatformMode = 'setup' | 'user';

/** What decides an authenticated write: the platform's current PK and KEK (a `SecureBootVariables` will do). */
export interface SecureBootKeys {
  readonly PK: SignatureDatabase;
  readonly KEK: SignatureDatabase;
  /** Default: `platformMode` (setup when the PK variable holds no entry). */
  readonly mode?: PlatformMode;
}

/** The platform mode: `keys.mode` if given, else setup exactly when PK is empty (edk2 UpdatePlatformMode). */
export function platformMode(keys: SecureBootKeys): PlatformMode {
  if (keys.mode) return keys.mode;
  const pk = keys.PK;
  return pk.certs.length + pk.hashes.length + pk.certHashes.length + pk.other.length > 0 ? 'user' : 'setup';
}

/** Who may sign an update of one variable (see the table at the top of this file). */
export type UpdateAuthorities =
  /** The signer must chain to a certificate of one of these databases. */
  | { readonly kind: 'databases'; readonly databases: readonly SignatureDatabase[]; readonly rule: string }
  /** Setup-mode PK enrollment: the signer must chain to the certificate the update itself enrolls. */
  | { readonly kind: 'new-PK'; readonly rule: string }
  /** Setup mode, KEK/db/dbx/dbt/dbr: the descriptor and signature lists are checked, the signature is not. */
  | { readonly kind: 'unverified'; readonly rule: string };

/** The signature databases under EFI_IMAGE_SECURITY_DATABASE_GUID (UEFI 2.10 §32.6.1). */
export const IMAGE_SECURITY_DATABASES: readonly string[] = ['db', 'dbx', 'dbt', 'dbr'];

/**
 * The authorities allowed to sign an update of variable `name` under vendor GUID `guid`, given
 * the current PK and KEK and the platform mode; undefined when the variable is not a Secure Boot
 * policy variable (a `db` under another GUID is an ordinary variable, not the signature database).
 */
export function updateAuthorities(name: string, guid: EfiGuid, keys: SecureBootKeys): UpdateAuthorities | undefined {
  const g = guid.toLowerCase();
  const user = platformMode(keys) === 'user';
  if (g === EFI_GLOBAL_VARIABLE && name === 'PK') {
    return user
      ? { kind: 'databases', databases: [keys.PK], rule: 'a PK update must be signed by the current PK' }
      : { kind: 'new-PK', rule: 'in setup mode a PK must be self-signed by the new PK' };
  }
  if (g === EFI_GLOBAL_VARIABLE && name === 'KEK') {
    return user
      ? { kind: 'databases', databases: [keys.PK], rule: 'a KEK update must be signed by the PK' }
      : { kind: 'unverified', rule: 'in setup mode KEK is written without signature verification' };
  }
  if (g === EFI_IMAGE_SECURITY_DATABASE_GUID && IMAGE_SECURITY_DATABASES.includes(name)) {
    // edk2 tries the PK first, then each KEK certificate; listed KEK first so that a certificate
    // enrolled in both (OVMF's snakeoil store) is reported as the KEK entry.
    return user
      ? { kind: 'databases', databases: [keys.KEK, keys.PK], rule: `a ${name} update must be signed by a KEK entry or the PK` }
      : { kind: 'unverified', rule: `in setup mode ${name} is written without signature verification` };
  }
  return undefined;
}

export interface UpdateVerdict {
  readonly accepted: boolean;
  readonly reason: string;
  readonly signer?: string;
  readonly authority?: Authority;
  readonly append: boolean;
  /** The variable's data after the update (append merges without duplicates), when accepted. Empty: the variable is deleted. */
  readonly newData?: Uint8Array;
  readonly timestamp?: Date;
  /** The platform mode after the update, when accepted (PK enrollment enters user mode, PK deletion setup mode). */
  readonly mode?: PlatformMode;
}

/** edk2 CheckSignatureListFormat: PK and KEK hold keys only (X.509 or RSA-2048), PK at most one. */
function keyListProblem(name: string, lists: ReturnType<typeof parseSignatureLists>): string | undefined {
  if (name !== 'PK' && name !== 'KEK') return undefined;
  const bad = lists.find((l) => l.SignatureType !== EFI_CERT_X509_GUID && l.SignatureType !== EFI_CERT_RSA2048_GUID);
  if (bad) return `${name} may hold only EFI_CERT_X509 or EFI_CERT_RSA2048 entries (this update holds ${bad.SignatureType})`;
  if (name === 'PK' && lists.reduce((n, l) => n + l.Signatures.length, 0) > 1) return 'PK holds at most one key';
  return undefined;
}

/**
 * Decide a SetVariable() of an authenticated Secure Boot policy variable (PK, KEK, db, dbx, dbt,
 * dbr). `keys`: the current PK and KEK (and mode); who may sign follows from the variable
 * (`updateAuthorities`). `current`: the variable's data and timestamp now.
 */
export function verifyAuthenticatedUpdate(
  req: { name: string; guid: EfiGuid; attributes: number; payload: Uint8Array },
  keys: SecureBootKeys,
  current: { data?: Uint8Array; timestamp?: Date } = {},
): UpdateVerdict {
  if (Array.isArray(keys)) throw new TypeError('verifyAuthenticatedUpdate takes the current { PK, KEK } (who may sign follows from the variable), not a list of authorities');
  const append = (req.attributes & EFI_VARIABLE.APPEND_WRITE) !== 0;
  const refuse = (reason: string, extra: Partial<UpdateVerdict> = {}): UpdateVerdict => ({ accepted: false, reason, append, ...extra });
  if ((req.attributes & EFI_VARIABLE.TIME_BASED_AUTHENTICATED_WRITE_ACCESS) === 0) {
    return refuse(`${req.name} update refused: it is not an authenticated write (EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS not set)`);
  }
  const auth = updateAuthorities(req.name, req.guid, keys);
  if (!auth) return refuse(`${req.name} update refused: ${req.name} under ${req.guid} is not a Secure Boot policy variable (PK, KEK, db, dbx, dbt, dbr); other authenticated variables are not modelled`);
  if ((req.attributes & EFI_VARIABLE.NON_VOLATILE) === 0) return refuse(`${req.name} update refused: Secure Boot policy variables are non-volatile (EFI_VARIABLE_NON_VOLATILE not set)`);
  let u: AuthenticatedUpdate;
  let lists: ReturnType<typeof parseSignatureLists>;
  try {
    u = parseAuthenticatedUpdate(req.payload);
    lists = parseSignatureLists(u.data);
  } catch (e) {
    if (!isTlError(e)) throw e;
    return refuse(`${req.name} update refused: malformed: ${e.message}`);
  }
  const listProblem = keyListProblem(req.name, lists);
  if (listProblem) return refuse(`${req.name} update refused: ${listProblem}`);
  const mode = platformMode(keys);
  const merged = (): Uint8Array => (append ? appendSignatureLists(current.data ?? new Uint8Array(0), u.data) : u.data.slice());
  const newTimestamp = append && current.timestamp && current.timestamp > u.timestamp ? current.timestamp : u.timestamp;

  if (auth.kind === 'unverified') {
    return { accepted: true, append, reason: `${req.name} update accepted without signature verification: the platform is in setup mode (no PK enrolled)`, newData: merged(), timestamp: newTimestamp, mode };
  }

  let sd;
  try {
    sd = parseSignedData(u.certData);
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
  const anchors = auth.kind === 'databases' ? auth.databases.flatMap((d) => d.certs) : databaseFromSignatureLists('PK', u.data).certs;
  const names = auth.kind === 'databases' ? databasesPhrase(auth.databases) : 'the PK it enrolls';
  const signer = bag.find((c) => matchesSigner(si, c)) ?? anchors.find((a) => matchesSigner(si, a.cert))?.cert;
  if (!signer) return refuse(`${req.name} update refused: the signing certificate is not in the update nor in ${names} (${auth.rule})`);
  const who = certName(signer);
  const signed = authenticatedVariableSignedBytes(req.name, req.guid, req.attributes, u.timestampBytes, u.data);
  const check = verifySignerInfo(si, signer, signed, sd.contentType);
  if (!check.ok) return refuse(`${req.name} update refused: signature by ${who} does not verify (${check.reason})`, { signer: who });
  const path = findTrustPath(signer, bag, anchors);
  if (!path) return refuse(`${req.name} update refused: signed by ${who}, which chains to no certificate in ${names} (${auth.rule})`, { signer: who });
  if (!append && current.timestamp && u.timestamp.getTime() <= current.timestamp.getTime()) {
    return refuse(`${req.name} update refused: timestamp ${u.timestamp.toISOString()} is not newer than the variable's ${current.timestamp.toISOString()} (replay)`, { signer: who });
  }
  const newData = merged();
  const anchor = `${certName(path.anchor.cert)} in ${path.anchor.database}`;
  let reason = `${req.name} update signed by ${who}, which chains to ${anchor}`;
  let after = mode;
  if (req.name === 'PK') {
    if (newData.length > 0 && parseSignatureLists(newData).reduce((n, l) => n + l.Signatures.length, 0) > 1) return refuse('PK update refused: after the append PK would hold more than one key', { signer: who });
    after = newData.length === 0 ? 'setup' : 'user';
    if (auth.kind === 'new-PK') reason = `PK enrolled in setup mode, self-signed by ${who}: the platform enters user mode`;
    else if (after === 'setup') reason = `PK deleted by an update signed by ${who}, which chains to ${anchor}: the platform returns to setup mode`;
    else reason = `PK replaced by an update signed by ${who}, which chains to ${anchor}`;
  }
  return { accepted: true, append, reason, signer: who, authority: certAuthority(path.anchor), newData, timestamp: newTimestamp, mode: after };
}

/** Append signature lists, dropping EFI_SIGNATURE_DATA already present (edk2 FilterSignatureList). */
export function appendSignatureLists(current: Uint8Array, add: Uint8Array): Uint8Array {
  const have = new Set(parseSignatureLists(current).flatMap((l) => l.Signatures.map((s) => `${l.SignatureType}/${Buffer.from(s.SignatureData).toString('hex')}`)));
  const fresh = parseSignatureLists(add)
    .map((l) => ({ SignatureType: l.SignatureType, SignatureHeader: l.SignatureHeader, Signatures: l.Signatures.filter((s) => !have.has(`${l.SignatureType}/${Buffer.from(s.SignatureData).toString('hex')}`)) }))
    .filter((l) => l.Signatures.length > 0);
  return fresh.length ? concat(current, encodeSignatureLists(fresh)) : current.slice();
}
