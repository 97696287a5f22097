/**
 * A signature database as the verifier uses it: the certificates and hashes of one UEFI
 * variable (db, dbx, MokList, MokListX) or of a built-in list (shim's vendor certificate and
 * vendor dbx, the kernel's built-in keys), with the name operators know it by.
 *
 * Built from EFI_SIGNATURE_LISTs (UEFI 2.10 §32.4.1) via src/core/efi, or from certificates.
 * Entry types honoured: EFI_CERT_X509 (a trusted or revoked certificate), EFI_CERT_SHA1/256/384/512
 * (an image digest) and EFI_CERT_X509_SHA256/384/512 (the hash of a certificate's
 * TBSCertificate, revoking that certificate — UEFI 2.10 §32.4.1 and §32.5.3.3; the revocation
 * time is not honoured: such a certificate is revoked at any time). Unknown types are kept and
 * listed but never match.
 */
import { createHash } from 'node:crypto';
import { toHex } from '../../core/bytes.js';
import { parseCertificate, type Certificate } from '../../core/asn1/index.js';
import {
  EFI_CERT_SHA1_GUID,
  EFI_CERT_SHA256_GUID,
  EFI_CERT_SHA384_GUID,
  EFI_CERT_SHA512_GUID,
  EFI_CERT_X509_GUID,
  EFI_CERT_X509_SHA256_GUID,
  EFI_CERT_X509_SHA384_GUID,
  EFI_CERT_X509_SHA512_GUID,
  encodeSignatureLists,
  parseSignatureLists,
  type EfiGuid,
  type SignatureListInput,
} from '../../core/efi/index.js';
import { isTlError } from '../../core/errors.js';
import type { AuthenticodeHash } from '../pe/authenticode-digest.js';

export interface CertEntry {
  readonly cert: Certificate;
  readonly owner: EfiGuid;
  /** The database's name (db, MokList, shim vendor certificate, …), for verdicts. */
  readonly database: string;
}

export interface HashEntry {
  readonly alg: AuthenticodeHash;
  readonly digest: Uint8Array;
  readonly owner: EfiGuid;
  readonly database: string;
}

export interface SignatureDatabase {
  readonly name: string;
  readonly certs: readonly CertEntry[];
  /** EFI_CERT_SHA* image digests. */
  readonly hashes: readonly HashEntry[];
  /** EFI_CERT_X509_SHA* TBSCertificate digests. */
  readonly certHashes: readonly HashEntry[];
  /** Entries of types the verifier does not use (kept for display), and certificates that do not parse. */
  readonly other: readonly { readonly type: EfiGuid; readonly owner: EfiGuid; readonly data: Uint8Array; readonly note: string }[];
  /** hex(digest) → entry, for constant-time-per-image lookups of large dbx lists. */
  readonly hashIndex: ReadonlyMap<string, HashEntry>;
}

export const ZERO_OWNER: EfiGuid = '00000000-0000-0000-0000-000000000000';

const HASH_TYPES: Record<string, AuthenticodeHash> = {
  [EFI_CERT_SHA1_GUID]: 'sha1',
  [EFI_CERT_SHA256_GUID]: 'sha256',
  [EFI_CERT_SHA384_GUID]: 'sha384',
  [EFI_CERT_SHA512_GUID]: 'sha512',
};
const CERT_HASH_TYPES: Record<string, AuthenticodeHash> = {
  [EFI_CERT_X509_SHA256_GUID]: 'sha256',
  [EFI_CERT_X509_SHA384_GUID]: 'sha384',
  [EFI_CERT_X509_SHA512_GUID]: 'sha512',
};
const SIZES: Record<AuthenticodeHash, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

/** An empty database (e.g. no MokList enrolled). */
export function emptyDatabase(name: string): SignatureDatabase {
  return buildDatabase(name, [], [], [], []);
}

function buildDatabase(name: string, certs: CertEntry[], hashes: HashEntry[], certHashes: HashEntry[], other: SignatureDatabase['other']): SignatureDatabase {
  const hashIndex = new Map<string, HashEntry>();
  for (const h of hashes) hashIndex.set(`${h.alg}:${toHex(h.digest)}`, h);
  return { name, certs, hashes, certHashes, other, hashIndex };
}

/** A database from the data of a signature-list variable (zero or more EFI_SIGNATURE_LISTs). */
export function databaseFromSignatureLists(name: string, data: Uint8Array): SignatureDatabase {
  const certs: CertEntry[] = [];
  const hashes: HashEntry[] = [];
  const certHashes: HashEntry[] = [];
  const other: { type: EfiGuid; owner: EfiGuid; data: Uint8Array; note: string }[] = [];
  for (const list of parseSignatureLists(data)) {
    for (const s of list.Signatures) {
      const t = list.SignatureType;
      const d = s.SignatureData.slice();
      if (t === EFI_CERT_X509_GUID) {
        try {
          certs.push({ cert: parseCertificate(d), owner: s.SignatureOwner, database: name });
        } catch (e) {
          if (!isTlError(e)) throw e;
          other.push({ type: t, owner: s.SignatureOwner, data: d, note: `certificate does not parse: ${e.message}` });
        }
      } else if (HASH_TYPES[t] && d.length === SIZES[HASH_TYPES[t]!]) {
        hashes.push({ alg: HASH_TYPES[t]!, digest: d, owner: s.SignatureOwner, database: name });
      } else if (CERT_HASH_TYPES[t] && d.length >= SIZES[CERT_HASH_TYPES[t]!]) {
        // EFI_CERT_X509_SHA256: { ToBeSignedHash[32]; EFI_TIME TimeOfRevocation } — the time is ignored.
        certHashes.push({ alg: CERT_HASH_TYPES[t]!, digest: d.subarray(0, SIZES[CERT_HASH_TYPES[t]!]), owner: s.SignatureOwner, database: name });
      } else {
        other.push({ type: t, owner: s.SignatureOwner, data: d, note: 'signature type not used for image verification' });
      }
    }
  }
  return buildDatabase(name, certs, hashes, certHashes, other);
}

/** A database of certificates (DER bytes or parsed), each with an owner GUID. */
export function databaseFromCertificates(name: string, certs: readonly (Uint8Array | Certificate)[], owner: EfiGuid = ZERO_OWNER): SignatureDatabase {
  return buildDatabase(
    name,
    certs.map((c) => ({ cert: c instanceof Uint8Array ? parseCertificate(c) : c, owner, database: name })),
    [],
    [],
    [],
  );
}

/** A database of image digests. */
export function databaseFromHashes(name: string, digests: readonly { alg: AuthenticodeHash; digest: Uint8Array; owner?: EfiGuid }[]): SignatureDatabase {
  return buildDatabase(name, [], digests.map((d) => ({ alg: d.alg, digest: d.digest, owner: d.owner ?? ZERO_OWNER, database: name })), [], []);
}

/** Several databases seen as one (shim's allow list is db + MokList + vendor certificate). */
export function mergeDatabases(name: string, dbs: readonly SignatureDatabase[]): SignatureDatabase {
  return buildDatabase(
    name,
    dbs.flatMap((d) => d.certs),
    dbs.flatMap((d) => d.hashes),
    dbs.flatMap((d) => d.certHashes),
    dbs.flatMap((d) => d.other),
  );
}

/** The entry listing `digest` as an image hash, if any. */
export function findImageHash(db: SignatureDatabase, alg: AuthenticodeHash, digest: Uint8Array): HashEntry | undefined {
  return db.hashIndex.get(`${alg}:${toHex(digest)}`);
}

/** The entry revoking `cert` by the hash of its TBSCertificate, if any. */
export function findCertificateHash(db: SignatureDatabase, cert: Certificate): HashEntry | undefined {
  for (const h of db.certHashes) {
    const d = createHash(h.alg).update(cert.tbs).digest();
    if (Buffer.compare(d, Buffer.from(h.digest)) === 0) return h;
  }
  return undefined;
}

/** Encode a database back to EFI_SIGNATURE_LISTs (one list per entry type and size), e.g. for `db export`. */
export function encodeDatabase(db: SignatureDatabase): Uint8Array {
  const lists: SignatureListInput[] = [];
  for (const c of db.certs) lists.push({ SignatureType: EFI_CERT_X509_GUID, Signatures: [{ SignatureOwner: c.owner, SignatureData: c.cert.der }] });
  const typeOf = (alg: AuthenticodeHash, table: Record<string, AuthenticodeHash>) => Object.keys(table).find((k) => table[k] === alg)!;
  const group = (entries: readonly HashEntry[], table: Record<string, AuthenticodeHash>) => {
    for (const alg of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      const of = entries.filter((h) => h.alg === alg);
      if (of.length) lists.push({ SignatureType: typeOf(alg, table), Signatures: of.map((h) => ({ SignatureOwner: h.owner, SignatureData: table === CERT_HASH_TYPES ? Buffer.concat([h.digest, new Uint8Array(16)]) : h.digest })) });
    }
  };
  group(db.hashes, HASH_TYPES);
  group(db.certHashes, CERT_HASH_TYPES);
  return lists.length ? encodeSignatureLists(lists) : new Uint8Array(0);
}
