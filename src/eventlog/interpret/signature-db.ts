/**
 * A signature database (PK, KEK, db, dbx, MokList…) as plain data for policies: X.509 certificates
 * with subject/issuer (core/asn1), hashes by type, and the raw entries.
 */
import { createHash } from 'node:crypto';
import { toHex } from '../../core/bytes.js';
import { formatName, parseCertificate } from '../../core/asn1/index.js';
import { EFI_CERT_X509_GUID, guidName, parseSignatureLists, signatureEntries, type EfiGuid } from '../../core/efi/index.js';
import { WireError } from '../../core/errors.js';

export interface CertificateSummary {
  /** `C = US, O = Microsoft Corporation, CN = …` (OpenSSL one-line form), or undefined if the DER does not parse. */
  readonly subject: string | undefined;
  readonly issuer: string | undefined;
  readonly notBefore?: string;
  readonly notAfter?: string;
  /** SHA-256 of the DER, hex: a stable identity for policies. */
  readonly sha256: string;
}

export interface SignatureEntry {
  readonly signatureType: EfiGuid;
  /** e.g. EFI_CERT_X509_GUID, EFI_CERT_SHA256_GUID. */
  readonly signatureTypeName: string | undefined;
  readonly owner: EfiGuid;
  /** Hex of SignatureData (the certificate DER or the hash). */
  readonly data: string;
  /** For EFI_CERT_X509_GUID entries. */
  readonly certificate?: CertificateSummary;
}

export interface SignatureDatabase {
  readonly entries: readonly SignatureEntry[];
  /** Set when the variable does not parse as EFI_SIGNATURE_LISTs (entries is then empty). */
  readonly error?: string;
}

export function summarizeCertificate(der: Uint8Array): CertificateSummary {
  const sha256 = createHash('sha256').update(der).digest('hex');
  try {
    const c = parseCertificate(der);
    return { subject: formatName(c.subject), issuer: formatName(c.issuer), notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), sha256 };
  } catch (e) {
    if (!(e instanceof WireError) && !(e instanceof RangeError)) throw e;
    return { subject: undefined, issuer: undefined, sha256 };
  }
}

export function signatureEntry(signatureType: EfiGuid, owner: EfiGuid, data: Uint8Array): SignatureEntry {
  const e: SignatureEntry = { signatureType, signatureTypeName: guidName(signatureType), owner, data: toHex(data) };
  return signatureType === EFI_CERT_X509_GUID ? { ...e, certificate: summarizeCertificate(data) } : e;
}

export function signatureDatabase(bytes: Uint8Array, base = 0): SignatureDatabase {
  try {
    return { entries: signatureEntries(parseSignatureLists(bytes, base)).map((s) => signatureEntry(s.SignatureType, s.SignatureOwner, s.SignatureData)) };
  } catch (e) {
    if (e instanceof WireError) return { entries: [], error: e.message };
    throw e;
  }
}
