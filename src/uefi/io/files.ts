/**
 * File loading for the CLI faces (the only place in src/uefi that touches node:fs): read the
 * named files and hand their bytes to the pure functions in cli-support.ts.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { secureBootVerify, type NamedBytes, type TrustOptions, type VerifyReport } from '../cli-support.js';
import type { SignatureDatabase } from '../sigdb/database.js';

export function readNamed(path: string): NamedBytes {
  return { name: basename(path), bytes: new Uint8Array(readFileSync(path)) };
}

export interface VerifyFileOptions {
  readonly db?: readonly string[];
  readonly dbx?: readonly string[];
  readonly vars?: string;
  readonly moduleKeys?: SignatureDatabase;
}

/** `tl secureboot verify FILE… [--db FILE] [--dbx FILE] [--vars OVMF_VARS]`. */
export function verifyFiles(paths: readonly string[], o: VerifyFileOptions): VerifyReport {
  const trust: TrustOptions = {
    ...(o.db ? { db: o.db.map(readNamed) } : {}),
    ...(o.dbx ? { dbx: o.dbx.map(readNamed) } : {}),
    ...(o.vars ? { vars: readNamed(o.vars) } : {}),
    ...(o.moduleKeys ? { moduleKeys: o.moduleKeys } : {}),
  };
  return secureBootVerify(paths.map(readNamed), trust);
}
