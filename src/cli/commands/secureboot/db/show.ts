/**
 * `tl secureboot db show (--vars OVMF_VARS [--var db|dbx|KEK|PK|MokList|MokListX] | --file FILE…)`:
 * one line per entry (certificates by subject with their SHA-256 fingerprint, digests in hex, and
 * the owner GUID by name); with -o/--query, the entries as data (src/uefi `describeDatabase`).
 */
import type { CommandSpec } from '../../../framework/types.js';
import { wantsText } from '../_trust.js';
import { SELECT_ARGS, selectDatabase } from './_select.js';

export const command: CommandSpec = {
  summary: 'Show the entries of a UEFI signature database (db, dbx, KEK, PK, MokList).',
  args: SELECT_ARGS,
  examples: [
    { summary: "The db of OVMF's Microsoft variable store.", command: 'az secureboot db show --vars /usr/share/OVMF/OVMF_VARS_4M.ms.fd' },
    { summary: 'The certificates of an EFI_SIGNATURE_LIST file, as a table.', command: 'az secureboot db show -f db.esl -o table' },
  ],
  table: (rows) => (rows as { type: string; value: string; ownerName?: string; owner: string; notAfter?: string }[]).map((r) => ({ Type: r.type, Value: r.value, Owner: r.ownerName ?? r.owner, NotAfter: r.notAfter ?? '' })),
  async run(ctx, a) {
    const db = await selectDatabase(ctx, a);
    const { describeDatabase } = await import('../../../../uefi/index.js');
    const shown = describeDatabase(db);
    if (wantsText(a)) {
      ctx.io.stdout.write(shown.text);
      return undefined;
    }
    return shown.rows;
  },
};
