/**
 * The trust inputs of `tl secureboot verify` and `db show|export`, read from local files:
 * --db/--dbx files (X.509 certificates in DER or PEM, or EFI_SIGNATURE_LISTs, detected by content)
 * and --vars (an OVMF variable store such as ovmf's OVMF_VARS_4M.ms.fd).
 */
import type { NamedBytes, TrustOptions } from '../../../uefi/cli-support.js';
import type { Context } from '../../framework/types.js';
import { readLocal } from '../../local/files.js';

export function named(ctx: Context, path: string): NamedBytes {
  return { name: path, bytes: readLocal(ctx, path) };
}

export function trustOptions(ctx: Context, a: { db?: string[]; dbx?: string[]; vars?: string }): TrustOptions {
  return {
    ...(a.db ? { db: a.db.map((p) => named(ctx, p)) } : {}),
    ...(a.dbx ? { dbx: a.dbx.map((p) => named(ctx, p)) } : {}),
    ...(a.vars ? { vars: named(ctx, a.vars) } : {}),
  };
}

/** az prints text for these tools unless an output format or a query was asked for. */
export function wantsText(a: { output?: unknown; query?: unknown }): boolean {
  return a.output === undefined && a.query === undefined;
}
