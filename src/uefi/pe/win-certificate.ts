/**
 * The attribute certificate table (PE Format §5.7): a sequence of WIN_CERTIFICATE structures,
 * each 8-byte aligned (`off += align8(dwLength)`; Debian's mmx64 has dwLength 1471 —
 * reference/secureboot.md G5). Shim carries two entries (Microsoft UEFI CA 2011 and 2023).
 */
import { ByteReader } from '../../core/bytes.js';
import type { PeFile } from './pe-file.js';

export const WIN_CERT_REVISION_2_0 = 0x0200;
export const WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002;
export const WIN_CERT_TYPE_EFI_GUID = 0x0ef1;

export interface WIN_CERTIFICATE {
  /** File offset of the entry. */
  readonly offset: number;
  readonly dwLength: number;
  readonly wRevision: number;
  readonly wCertificateType: number;
  /** bCertificate: dwLength − 8 bytes (a view; may carry trailing zero padding after the DER). */
  readonly bCertificate: Uint8Array;
}

export const align8 = (n: number): number => (n + 7) & ~7;

/** The entries of the certificate table of `pe` (empty when unsigned). */
export function parseCertificateTable(pe: PeFile): WIN_CERTIFICATE[] {
  const t = pe.certificateTable;
  if (!t || t.size === 0) return [];
  const r = new ByteReader(pe.bytes, { offset: t.offset, end: t.offset + t.size, path: ['WIN_CERTIFICATE'] });
  const out: WIN_CERTIFICATE[] = [];
  while (r.remaining > 0) {
    const offset = r.offset;
    if (out.length >= 64) throw r.error('more than 64 certificate table entries');
    const dwLength = r.u32le();
    const wRevision = r.u16le();
    const wCertificateType = r.u16le();
    if (dwLength < 8) throw r.error(`dwLength ${dwLength} is smaller than the 8-byte header`, offset);
    const bCertificate = r.bytesView(dwLength - 8, 'bCertificate');
    out.push({ offset, dwLength, wRevision, wCertificateType, bCertificate });
    const pad = align8(dwLength) - dwLength;
    if (r.remaining > 0) r.skip(Math.min(pad, r.remaining), 'alignment padding');
  }
  return out;
}
