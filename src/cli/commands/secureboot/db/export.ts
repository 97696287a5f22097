/**
 * `tl secureboot db export (--vars OVMF_VARS [--var NAME] | --file FILE…) [--format esl|pem]
 * [--output-file OUT]`: the database as EFI_SIGNATURE_LISTs (what efi-updatevar and
 * sig-list-to-certs read) or its certificates as PEM (src/uefi `exportDatabase`). PEM goes to
 * stdout when no --output-file is given; binary ESL needs one.
 */
import { UserError } from '../../../framework/errors.js';
import type { CommandSpec } from '../../../framework/types.js';
import { writeLocal } from '../../../local/files.js';
import { SELECT_ARGS, selectDatabase } from './_select.js';

export const command: CommandSpec = {
  summary: 'Export a UEFI signature database as EFI_SIGNATURE_LISTs or PEM certificates.',
  args: [
    ...SELECT_ARGS,
    { names: ['--format'], choices: ['esl', 'pem'], defaultText: 'esl', help: 'EFI_SIGNATURE_LIST bytes, or the X.509 certificates as PEM (hash entries are not certificates and are left out).' },
    { names: ['--output-file'], help: 'Where to write; PEM is printed when omitted.' },
  ],
  examples: [
    { summary: "Write the Microsoft db of OVMF as an ESL file.", command: 'az secureboot db export --vars /usr/share/OVMF/OVMF_VARS_4M.ms.fd --output-file db.esl' },
    { summary: 'Print the KEK certificates as PEM.', command: 'az secureboot db export --vars OVMF_VARS_4M.ms.fd --var KEK --format pem' },
  ],
  async run(ctx, a) {
    const format = (a.format as 'esl' | 'pem' | undefined) ?? 'esl';
    const out = a.outputFile as string | undefined;
    if (format === 'esl' && !out) throw new UserError('RequiredArgumentMissingError', 'EFI_SIGNATURE_LISTs are binary: give --output-file, or use --format pem.');
    const db = await selectDatabase(ctx, a);
    const { exportDatabase } = await import('../../../../uefi/index.js');
    const bytes = exportDatabase(db, format);
    if (!out) {
      ctx.io.stdout.write(new TextDecoder().decode(bytes));
      return undefined;
    }
    writeLocal(ctx, out, bytes);
    return { outputFile: out, format, entries: db.certs.length + db.hashes.length + db.certHashes.length + db.other.length, size: bytes.length };
  },
};
