/**
 * The kernel's built-in trusted keys (.builtin_trusted_keys, certs/system_certificates.S):
 * X.509 certificates compiled into vmlinux. Debian's module-signing key is ephemeral per build
 * and shipped nowhere else, so it is read out of the decompressed kernel by scanning for DER
 * certificates (reference/secureboot.md §4). The caller decompresses the bzImage payload.
 */
import { parseCertificate, type Certificate } from '../../core/asn1/index.js';
import { isTlError } from '../../core/errors.js';
import { databaseFromCertificates, type SignatureDatabase } from '../sigdb/database.js';

export const BUILTIN_KEYS_DB = 'kernel built-in keys';

/** Every parseable X.509 v3 certificate found in `bytes` (SEQUENCE{SEQUENCE{[0]{INTEGER 2}…}}). */
export function findEmbeddedCertificates(bytes: Uint8Array): Certificate[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Certificate[] = [];
  const pattern = Buffer.from([0xa0, 0x03, 0x02, 0x01, 0x02]); // tbsCertificate.version [0] INTEGER 2
  for (let i = buf.indexOf(pattern); i >= 0; i = buf.indexOf(pattern, i + 1)) {
    // Certificate: 30 82 LL LL, tbsCertificate: 30 82 LL LL, then the version.
    const start = i - 8;
    if (start < 0 || buf[start] !== 0x30 || buf[start + 1] !== 0x82 || buf[start + 4] !== 0x30 || buf[start + 5] !== 0x82) continue;
    const len = 4 + ((buf[start + 2]! << 8) | buf[start + 3]!);
    if (start + len > buf.length) continue;
    try {
      out.push(parseCertificate(bytes.subarray(start, start + len)));
      i = start + len - 1;
    } catch (e) {
      if (!isTlError(e)) throw e;
    }
  }
  return out;
}

/** The built-in keys of a decompressed kernel as a signature database. */
export function builtinKeys(vmlinux: Uint8Array): SignatureDatabase {
  return databaseFromCertificates(BUILTIN_KEYS_DB, findEmbeddedCertificates(vmlinux));
}
