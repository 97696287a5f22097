/**
 * `tl ima parse --file FILE`: a Linux IMA runtime measurement list (`ascii_runtime_measurements`
 * or `binary_runtime_measurements`; templates ima, ima-ng, ima-sig, ima-buf, ima-modsig …)
 * parsed and replayed into PCR 10 per bank, with each entry's template hash checked
 * (src/eventlog `imaParseTree` / `imaParseYaml`).
 */
import type { CommandSpec } from '../../framework/types.js';
import { fromLibrary, readLocal } from '../../local/files.js';

const BANKS = ['sha1', 'sha256', 'sha384', 'sha512'] as const;

export const command: CommandSpec = {
  summary: 'Parse and replay a Linux IMA measurement list (ascii or binary) into PCR 10.',
  args: [
    { names: ['--file', '-f'], required: true, positional: true, help: 'The list, e.g. /sys/kernel/security/ima/binary_runtime_measurements.' },
    { names: ['--banks'], kind: 'list', choices: BANKS, defaultText: 'sha1 sha256', help: 'PCR banks to replay PCR 10 into.' },
    { names: ['--yaml'], kind: 'flag', help: 'Print the result as YAML text instead of through the --output format.' },
  ],
  examples: [{ summary: "Replay this machine's IMA list.", command: 'az ima parse -f /sys/kernel/security/ima/binary_runtime_measurements --query pcrs' }],
  async run(ctx, a) {
    const file = a.file as string;
    const bytes = readLocal(ctx, file);
    const { imaParseTree, imaParseYaml } = await import('../../../eventlog/index.js');
    const { hashByName } = await import('../../../core/hash.js');
    const banks = ((a.banks as string[] | undefined) ?? ['sha1', 'sha256']).map((n) => hashByName(n)!.algId);
    if (a.yaml) {
      ctx.io.stdout.write(fromLibrary(file, () => imaParseYaml(bytes, banks)));
      return undefined;
    }
    return fromLibrary(file, () => imaParseTree(bytes, banks));
  },
};
