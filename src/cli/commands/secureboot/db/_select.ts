/**
 * Which signature database `db show|export` works on: a variable of an OVMF variable store
 * (--vars, --var) and/or files (--file: certificates or EFI_SIGNATURE_LISTs), merged.
 */
import type { SignatureDatabase } from '../../../../uefi/sigdb/database.js';
import { parseError } from '../../../framework/errors.js';
import type { ArgSpec, Args, Context } from '../../../framework/types.js';
import { fromLibrary } from '../../../local/files.js';
import { named } from '../_trust.js';

export const VARIABLES = ['PK', 'KEK', 'db', 'dbx', 'MokList', 'MokListX'] as const;

export const SELECT_ARGS: readonly ArgSpec[] = [
  { names: ['--vars'], help: 'An OVMF variable store, e.g. /usr/share/OVMF/OVMF_VARS_4M.ms.fd.' },
  { names: ['--var'], choices: VARIABLES, defaultText: 'db', help: 'Which variable of the store (and the name given to --file contents).' },
  { names: ['--file', '-f'], kind: 'list', help: 'Certificates (DER or PEM) or EFI_SIGNATURE_LIST files to read instead of (or besides) the store.' },
];

export async function selectDatabase(ctx: Context, a: Args): Promise<SignatureDatabase> {
  const name = (a.var as (typeof VARIABLES)[number] | undefined) ?? 'db';
  const files = (a.file as string[] | undefined) ?? [];
  if (!a.vars && files.length === 0) throw parseError('RequiredArgumentMissingError', 'usage error: --vars OVMF_VARS [--var NAME] | --file FILE [FILE ...]');
  const uefi = await import('../../../../uefi/index.js');
  const parts: SignatureDatabase[] = [];
  if (a.vars) {
    const store = named(ctx, a.vars as string);
    const { vars } = fromLibrary(store.name, () => uefi.loadTrust({ vars: store }));
    parts.push(vars![name]);
  }
  for (const f of files) {
    const input = named(ctx, f);
    parts.push(fromLibrary(f, () => uefi.parseTrustInput(name, input)));
  }
  return parts.length === 1 ? parts[0]! : uefi.mergeDatabases(name, parts);
}
