/**
 * `tl eventlog parse --file FILE [--json|--yaml] [--replay] [--pcrs]`: a TCG PC Client event log
 * (`/sys/kernel/security/tpm0/binary_bios_measurements`: SHA-1 or crypto-agile) decoded as
 * tpm2_eventlog decodes it (src/eventlog `eventlogParseTree` / `eventlogParseYaml`).
 *
 *   --yaml            tpm2_eventlog's own text layout; with --replay it is byte-identical to
 *                     `tpm2_eventlog FILE` (tpm2-tools 5.8, whose default is --eventlog-version 1)
 *   --json (default)  the same tree through az's output (-o, --query apply)
 *   --replay          adds the replayed `pcrs:` per bank; --pcrs prints only them
 * Like the tool, tolerated deviations and events whose digest does not match their data are
 * reported as warnings on stderr; stdout carries only the log.
 */
import { UserError, parseError } from '../../framework/errors.js';
import type { CommandSpec, Context } from '../../framework/types.js';
import { fromLibrary, readLocal } from '../../local/files.js';

export const command: CommandSpec = {
  summary: 'Parse and replay a TCG PC Client event log (binary_bios_measurements), as tpm2_eventlog does.',
  long: 'Reads the log a firmware hands to the OS (SHA-1 or crypto-agile format) and prints its events with their decoded data. With --yaml the text is tpm2_eventlog\'s: `tl eventlog parse -f FILE --yaml --replay` prints exactly what `tpm2_eventlog FILE` prints.',
  args: [
    { names: ['--file', '-f'], required: true, positional: true, help: 'The binary event log, e.g. /sys/kernel/security/tpm0/binary_bios_measurements.' },
    { names: ['--json'], kind: 'flag', help: 'Print the decoded log as JSON through the --output format (the default).' },
    { names: ['--yaml'], kind: 'flag', help: "Print tpm2_eventlog's YAML text (byte-identical to the tool with --replay)." },
    { names: ['--replay'], kind: 'flag', help: 'Replay the events and add the resulting PCR values per bank (`pcrs:`).' },
    { names: ['--pcrs'], kind: 'flag', help: 'Print only the replayed PCR values per bank.' },
    { names: ['--eventlog-version'], choices: ['1', '2'], defaultText: '1', help: "tpm2_eventlog's --eventlog-version: 2 decodes UEFI variables, GPT and StartupLocality data; 1 prints them as hex." },
    { names: ['--device-paths'], choices: ['text', 'hex'], defaultText: 'text', help: 'Image load device paths as UEFI text (tpm2-tools built with libefivar) or raw hex (built without).' },
  ],
  examples: [
    { summary: "Replay this machine's log, as tpm2_eventlog prints it.", command: 'az eventlog parse -f /sys/kernel/security/tpm0/binary_bios_measurements --yaml --replay' },
    { summary: 'Only the PCR 7 value of the SHA-256 bank.', command: 'az eventlog parse -f binary_bios_measurements --pcrs --query pcrs.sha256."7"' },
  ],
  async run(ctx, a) {
    if (a.json && a.yaml) throw parseError('MutuallyExclusiveArgumentError', 'usage error: --json | --yaml');
    const file = a.file as string;
    const bytes = readLocal(ctx, file);
    const { eventlogParseTree, formatTpm2ToolsYaml } = await import('../../../eventlog/index.js');
    const options = {
      replay: a.replay === true,
      pcrs: a.pcrs === true,
      version: (a.eventlogVersion === '2' ? 2 : 1) as 1 | 2,
      devicePaths: (a.devicePaths ?? 'text') as 'text' | 'hex',
    };
    const tree = fromLibrary(file, () => eventlogParseTree(bytes, options));
    await warnAboutEvents(ctx, bytes);
    if (a.yaml) {
      // tpm2_eventlog prints warnings on stderr, never in its YAML
      const { warnings: _w, ...log } = tree;
      ctx.io.stdout.write(formatTpm2ToolsYaml(log));
      return undefined;
    }
    return tree;
  },
};

/**
 * Warnings on stderr: parse deviations the library tolerated, and events whose data does not hash
 * to their digest (tpm2_eventlog's "Event N's digest does not match its payload").
 */
async function warnAboutEvents(ctx: Context, bytes: Uint8Array): Promise<void> {
  const { parseEventLog, checkEventDigest } = await import('../../../eventlog/index.js');
  let log;
  try {
    log = parseEventLog(bytes);
  } catch (e) {
    throw new UserError('InvalidArgumentValueError', (e as Error).message, { cause: e });
  }
  for (const w of log.warnings) ctx.log.warn(`${w.message} (at offset ${w.offset})`);
  for (const e of log.events) {
    const c = checkEventDigest(e);
    if (c.status === 'mismatch') ctx.log.warn(`Event ${e.index}'s digest does not match its payload`);
    else if (c.status === 'ok' && (c.rule === 'SystemdBootUtf16MissingNulByte' || c.rule === 'ShimAuthorityExtraByte')) {
      ctx.log.warn(`Event ${e.index}'s digest does not match its payload (it matches the known variant ${c.rule})`);
    }
  }
}
