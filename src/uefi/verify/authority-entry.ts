/**
 * The database entry behind a verdict's authority, as bytes. Measured boot needs it: firmware
 * measures the EFI_SIGNATURE_DATA (owner GUID ‖ certificate DER or digest) of the db entry that
 * authorised an image into PCR 7 as EV_EFI_VARIABLE_AUTHORITY (TCG PC Client PFP §3.3.4.8;
 * UEFI 2.10 §32.4.1), and shim does the same for MokList entries and its vendor certificate.
 */
import { toHex } from '../../core/bytes.js';
import { encodeSignatureData } from '../../core/efi/index.js';
import type { SignatureDatabase } from '../sigdb/database.js';
import type { Authority } from './verdict.js';
import { certFingerprint } from './verify-image.js';

export interface AuthorityEntry {
  readonly database: string;
  readonly owner: string;
  /** The certificate DER or the digest. */
  readonly data: Uint8Array;
  /** EFI_SIGNATURE_DATA: owner GUID followed by `data`. */
  readonly signatureData: Uint8Array;
}

/** Find the entry of `databases` that `authority` names (by database name and fingerprint). */
export function authorityEntry(authority: Authority, databases: readonly SignatureDatabase[]): AuthorityEntry | undefined {
  for (const db of databases) {
    if (db.name !== authority.database) continue;
    if (authority.kind === 'certificate') {
      const e = db.certs.find((c) => certFingerprint(c.cert) === authority.fingerprint);
      if (e) return { database: db.name, owner: e.owner, data: e.cert.der, signatureData: encodeSignatureData({ SignatureOwner: e.owner, SignatureData: e.cert.der }) };
    } else {
      const h = db.hashes.find((x) => toHex(x.digest) === authority.fingerprint);
      if (h) return { database: db.name, owner: h.owner, data: h.digest, signatureData: encodeSignatureData({ SignatureOwner: h.owner, SignatureData: h.digest }) };
    }
  }
  return undefined;
}
