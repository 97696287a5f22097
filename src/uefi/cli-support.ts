/**
 * What the `tl secureboot …` commands need, as pure functions over bytes (the lead's command files
 * read the files — see io/files.ts — and print what these return):
 *
 *   tl secureboot verify FILE… [--db FILE]… [--dbx FILE]… [--vars OVMF_VARS] [-o json]
 *   tl secureboot sign FILE --key KEY --cert CERT [--chain CERT]… [--append] [-o OUT]
 *   tl secureboot db show|export (--vars OVMF_VARS [--var db|dbx|KEK|PK] | FILE…) [--format esl|pem]
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { fromPem, parseCertificate, toPem } from '../core/asn1/index.js';
import { guidName } from '../core/efi/index.js';
import { isTlError, TlError } from '../core/errors.js';
import { certName } from './authenticode/signature.js';
import { verifyModule, MODULE_SIG_STRING, type ModuleVerdict } from './kmod/module-signature.js';
import { signModule } from './kmod/sign-module.js';
import { signPeImage } from './sign/sign-pe.js';
import { databaseFromCertificates, databaseFromSignatureLists, encodeDatabase, mergeDatabases, emptyDatabase, type SignatureDatabase } from './sigdb/database.js';
import { readOvmfVars, type SecureBootVariables } from './sigdb/secure-boot-variables.js';
import { formatImageVerdict, formatModuleVerdict } from './verify/format.js';
import { certFingerprint, verifyImage } from './verify/verify-image.js';
import type { ImageVerdict } from './verify/verdict.js';

export interface NamedBytes {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** A user-facing input error (bad file type, no certificate found): the CLI maps it to a usage error. */
export class SecureBootInputError extends TlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SecureBootInputError', message, options);
  }
}

const isPem = (b: Uint8Array) => Buffer.from(b.subarray(0, 4096)).toString('latin1').includes('-----BEGIN ');

/** One --db/--dbx input: PEM certificate(s), a DER certificate, or EFI_SIGNATURE_LISTs (detected by content). */
export function parseTrustInput(dbName: string, input: NamedBytes): SignatureDatabase {
  try {
    if (isPem(input.bytes)) {
      const certs = fromPem(Buffer.from(input.bytes).toString('latin1'), 'CERTIFICATE');
      if (certs.length === 0) throw new SecureBootInputError(`${input.name}: no CERTIFICATE in the PEM file`);
      return databaseFromCertificates(dbName, certs);
    }
    if (input.bytes[0] === 0x30) return databaseFromCertificates(dbName, [input.bytes]);
    return databaseFromSignatureLists(dbName, input.bytes);
  } catch (e) {
    if (e instanceof SecureBootInputError || !isTlError(e)) throw e;
    throw new SecureBootInputError(`${input.name}: not a certificate (DER/PEM) nor an EFI_SIGNATURE_LIST: ${e.message}`, { cause: e });
  }
}

export interface TrustOptions {
  readonly db?: readonly NamedBytes[];
  readonly dbx?: readonly NamedBytes[];
  /** An OVMF_VARS image: db and dbx are read from it (and combined with --db/--dbx). */
  readonly vars?: NamedBytes;
  /** Keys trusted for kernel modules besides db (e.g. the kernel's built-in keys). */
  readonly moduleKeys?: SignatureDatabase;
}

/** db and dbx from the options. */
export function loadTrust(o: TrustOptions): { db: SignatureDatabase; dbx: SignatureDatabase; vars?: SecureBootVariables } {
  let vars: SecureBootVariables | undefined;
  if (o.vars) {
    try {
      vars = readOvmfVars(o.vars.bytes);
    } catch (e) {
      if (!isTlError(e)) throw e;
      throw new SecureBootInputError(`${o.vars.name}: not an OVMF variable store: ${e.message}`, { cause: e });
    }
  }
  const merge = (name: 'db' | 'dbx', files: readonly NamedBytes[] | undefined, fromVars: SignatureDatabase | undefined) => {
    const parts = [...(fromVars ? [fromVars] : []), ...(files ?? []).map((f) => parseTrustInput(name, f))];
    return parts.length === 1 ? parts[0]! : parts.length === 0 ? emptyDatabase(name) : mergeDatabases(name, parts);
  };
  return { db: merge('db', o.db, vars?.db), dbx: merge('dbx', o.dbx, vars?.dbx), ...(vars ? { vars } : {}) };
}

export type FileVerdict = (ImageVerdict & { readonly kind: 'pe' }) | (ModuleVerdict & { readonly kind: 'module' });

export interface VerifyReport {
  readonly verdicts: readonly FileVerdict[];
  /** 0 only when every file is allowed. */
  readonly exitCode: 0 | 1;
  readonly text: string;
  /** What `-o json` prints. */
  readonly json: { readonly allowed: boolean; readonly files: readonly FileVerdict[] };
}

const magic = new TextEncoder().encode(MODULE_SIG_STRING);
const isSignedModule = (b: Uint8Array) => b.length >= magic.length && Buffer.from(b.subarray(b.length - magic.length)).equals(magic);
const isElf = (b: Uint8Array) => b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;

/** `tl secureboot verify`: one verdict per file (PE images against db/dbx; kernel modules against db and `moduleKeys`). */
export function secureBootVerify(files: readonly NamedBytes[], o: TrustOptions): VerifyReport {
  const { db, dbx } = loadTrust(o);
  const policy = { allow: [db], deny: [dbx] };
  const verdicts: FileVerdict[] = files.map((f) =>
    isSignedModule(f.bytes) || isElf(f.bytes)
      ? { kind: 'module', ...verifyModule(f.bytes, { trusted: o.moduleKeys ? [o.moduleKeys, db] : [db], denied: [dbx] }, f.name) }
      : { kind: 'pe', ...verifyImage(f.bytes, policy, { component: f.name }) },
  );
  const allowed = verdicts.every((v) => v.allowed);
  const text = verdicts.map((v) => (v.kind === 'pe' ? formatImageVerdict(v) : formatModuleVerdict(v))).join('\n\n') + '\n';
  return { verdicts, exitCode: allowed ? 0 : 1, text, json: { allowed, files: verdicts } };
}

export interface SignInput {
  readonly file: NamedBytes;
  /** PEM private key (PKCS#1/PKCS#8, unencrypted or with `passphrase`). */
  readonly key: Uint8Array;
  readonly passphrase?: string;
  /** Signing certificate, PEM or DER. */
  readonly cert: Uint8Array;
  readonly chain?: readonly Uint8Array[];
  readonly append?: boolean;
}

function certDer(b: Uint8Array): Uint8Array {
  if (isPem(b)) {
    const c = fromPem(Buffer.from(b).toString('latin1'), 'CERTIFICATE')[0];
    if (!c) throw new SecureBootInputError('no CERTIFICATE in the PEM file');
    return c;
  }
  return b;
}

function loadKey(b: Uint8Array, passphrase?: string): KeyObject {
  try {
    return createPrivateKey(passphrase !== undefined ? { key: Buffer.from(b), passphrase } : Buffer.from(b));
  } catch (e) {
    throw new SecureBootInputError(`cannot load the private key: ${(e as Error).message}`, { cause: e });
  }
}

/** `tl secureboot sign`: Authenticode for PE images, an appended PKCS#7 for kernel modules (detected by content). */
export function secureBootSign(i: SignInput): { kind: 'pe' | 'module'; bytes: Uint8Array; signer: string } {
  const key = loadKey(i.key, i.passphrase);
  const cert = parseCertificate(certDer(i.cert));
  if (isElf(i.file.bytes)) return { kind: 'module', bytes: signModule(i.file.bytes, { key, cert }), signer: certName(cert) };
  try {
    return { kind: 'pe', bytes: signPeImage(i.file.bytes, { key, cert, chain: (i.chain ?? []).map(certDer) }, { append: i.append ?? false }), signer: certName(cert) };
  } catch (e) {
    if (e instanceof RangeError || isTlError(e)) throw new SecureBootInputError(`${i.file.name}: ${(e as Error).message}`, { cause: e });
    throw e;
  }
}

export interface DatabaseRow {
  readonly type: 'X509' | 'SHA256' | 'SHA1' | 'SHA384' | 'SHA512' | 'X509_TBS_HASH' | 'OTHER';
  readonly owner: string;
  readonly ownerName?: string;
  /** Subject (certificates) or hex digest (hashes). */
  readonly value: string;
  /** SHA-256 fingerprint (certificates). */
  readonly sha256?: string;
  readonly notAfter?: string;
}

/** `tl secureboot db show`: one row per entry, and the text table. */
export function describeDatabase(db: SignatureDatabase): { name: string; rows: DatabaseRow[]; text: string } {
  const own = (o: string) => (guidName(o) ? { ownerName: guidName(o)! } : {});
  const rows: DatabaseRow[] = [
    ...db.certs.map((c) => ({ type: 'X509' as const, owner: c.owner, ...own(c.owner), value: certName(c.cert), sha256: certFingerprint(c.cert), notAfter: c.cert.notAfter.toISOString() })),
    ...db.hashes.map((h) => ({ type: h.alg.toUpperCase() as DatabaseRow['type'], owner: h.owner, ...own(h.owner), value: Buffer.from(h.digest).toString('hex') })),
    ...db.certHashes.map((h) => ({ type: 'X509_TBS_HASH' as const, owner: h.owner, ...own(h.owner), value: `${h.alg}:${Buffer.from(h.digest).toString('hex')}` })),
    ...db.other.map((o) => ({ type: 'OTHER' as const, owner: o.owner, ...own(o.owner), value: `${o.type} (${o.note})` })),
  ];
  const text = [`${db.name}: ${rows.length} entr${rows.length === 1 ? 'y' : 'ies'}`, ...rows.map((r) => `  ${r.type.padEnd(13)} ${r.value}${r.sha256 ? `  sha256:${r.sha256}` : ''}  owner ${r.ownerName ?? r.owner}`)].join('\n') + '\n';
  return { name: db.name, rows, text };
}

/** `tl secureboot db export`: EFI_SIGNATURE_LISTs, or the certificates as PEM. */
export function exportDatabase(db: SignatureDatabase, format: 'esl' | 'pem'): Uint8Array {
  if (format === 'esl') return encodeDatabase(db);
  return new TextEncoder().encode(db.certs.map((c) => toPem(c.cert.der, 'CERTIFICATE')).join(''));
}
