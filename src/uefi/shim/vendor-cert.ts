/**
 * shim's built-in trust (rhboot/shim shim.c `cert_table`, section `.vendor_cert`):
 *
 *   struct { UINT32 vendor_authorized_size; UINT32 vendor_deauthorized_size;
 *            UINT32 vendor_authorized_offset; UINT32 vendor_deauthorized_offset; }
 *
 * Offsets are from the start of the section. "authorized" is one DER certificate
 * (VENDOR_CERT_FILE — Debian's CA, reference/secureboot.md §2) or a signature list
 * (VENDOR_DB_FILE); "deauthorized" is the vendor dbx, an EFI_SIGNATURE_LIST (Debian: 114
 * EFI_CERT_SHA256 entries).
 */
import { ByteReader } from '../../core/bytes.js';
import { isTlError } from '../../core/errors.js';
import { parsePeFile, type PeFile } from '../pe/pe-file.js';
import { databaseFromCertificates, databaseFromSignatureLists, emptyDatabase, type SignatureDatabase } from '../sigdb/database.js';
import { sectionBytes } from '../verify/verify-image.js';
import { parseSbatLevelSection, type SbatLevel } from './sbat.js';

export const VENDOR_CERT_DB = 'shim vendor certificate';
export const VENDOR_DBX_DB = 'shim vendor dbx';

export interface ShimVendorData {
  readonly vendorDb: SignatureDatabase;
  readonly vendorDbx: SignatureDatabase;
  /** The raw authorized bytes (DER certificate or ESL). */
  readonly authorized: Uint8Array;
  readonly deauthorized: Uint8Array;
}

export function parseVendorCertSection(section: Uint8Array): ShimVendorData {
  const r = new ByteReader(section, { path: ['.vendor_cert'] });
  const authSize = r.u32le();
  const deauthSize = r.u32le();
  const authOff = r.u32le();
  const deauthOff = r.u32le();
  const slice = (off: number, size: number, what: string) => {
    if (off > section.length || size > section.length - off) throw r.error(`${what} ${off}+${size} lies outside the section`, 0);
    return section.subarray(off, off + size);
  };
  const authorized = slice(authOff, authSize, 'vendor_authorized');
  const deauthorized = slice(deauthOff, deauthSize, 'vendor_deauthorized');
  let vendorDb: SignatureDatabase;
  if (authorized.length === 0) vendorDb = emptyDatabase(VENDOR_CERT_DB);
  else if (authorized[0] === 0x30) vendorDb = databaseFromCertificates(VENDOR_CERT_DB, [authorized.slice()]);
  else vendorDb = databaseFromSignatureLists(VENDOR_CERT_DB, authorized);
  const vendorDbx = deauthorized.length ? databaseFromSignatureLists(VENDOR_DBX_DB, deauthorized) : emptyDatabase(VENDOR_DBX_DB);
  return { vendorDb, vendorDbx, authorized, deauthorized };
}

export interface ShimInfo extends ShimVendorData {
  /** The SBAT levels shim carries (`.sbatlevel`), when present. */
  readonly sbatLevels: { readonly previous: SbatLevel; readonly latest: SbatLevel } | undefined;
}

/** Read the vendor certificate, vendor dbx and embedded SBAT levels out of a shim image. */
export function readShim(image: Uint8Array | PeFile): ShimInfo {
  const pe = image instanceof Uint8Array ? parsePeFile(image) : image;
  const vc = sectionBytes(pe, '.vendor_cert');
  const vendor = vc ? parseVendorCertSection(vc) : { vendorDb: emptyDatabase(VENDOR_CERT_DB), vendorDbx: emptyDatabase(VENDOR_DBX_DB), authorized: new Uint8Array(0), deauthorized: new Uint8Array(0) };
  let sbatLevels: ShimInfo['sbatLevels'];
  const sl = sectionBytes(pe, '.sbatlevel');
  if (sl) {
    try {
      sbatLevels = parseSbatLevelSection(sl);
    } catch (e) {
      if (!isTlError(e)) throw e;
    }
  }
  return { ...vendor, sbatLevels };
}
