/**
 * What the CLI commands print (the lead's `src/cli` commands are thin wrappers around these):
 *
 *   tl eventlog parse FILE [--json|--yaml] [--replay] [--pcrs]
 *     default      the events, in tpm2_eventlog's layout (`events:`)
 *     --replay     events and the replayed `pcrs:` — with --yaml, byte-identical to `tpm2_eventlog FILE`
 *     --pcrs       only the replayed `pcrs:`
 *   tl ima parse FILE [--json|--yaml]   (ASCII or binary list) entries, PCR 10 per bank, template-hash check
 *
 * Parse errors are WireErrors (code `WireError`, with offset and record) for the CLI to report.
 */
import { stringify } from 'yaml';
import { toHex } from '../core/bytes.js';
import { hashById, TPM_ALG_SHA1, TPM_ALG_SHA256 } from '../core/hash.js';
import { parseImaLog, replayIma } from './ima/index.js';
import { parseEventLog } from './parse.js';
import { toTpm2ToolsTree, type Tree } from './tpm2-tools-tree.js';
import { formatTpm2ToolsYaml } from './tpm2-tools-yaml.js';

export interface EventlogParseOptions {
  readonly replay?: boolean;
  readonly pcrs?: boolean;
  /** tpm2_eventlog's `--eventlog-version` (default 2). */
  readonly version?: 1 | 2;
  /** Device paths as libefivar text (default) or raw hex. */
  readonly devicePaths?: 'text' | 'hex';
}

/** The JSON tree `tl eventlog parse` prints. */
export function eventlogParseTree(bytes: Uint8Array, options: EventlogParseOptions = {}): { [key: string]: Tree } {
  const log = parseEventLog(bytes);
  const full = toTpm2ToolsTree(log, { version: options.version, devicePaths: options.devicePaths, pcrs: Boolean(options.replay || options.pcrs) });
  const out: { [key: string]: Tree } = options.pcrs ? { pcrs: full.pcrs ?? null } : full;
  if (log.warnings.length > 0) out.warnings = log.warnings.map((w) => ({ code: w.code, offset: w.offset, message: w.message }));
  return out;
}

/** `tl eventlog parse --yaml`: tpm2_eventlog's text layout. */
export function eventlogParseYaml(bytes: Uint8Array, options: EventlogParseOptions = {}): string {
  return formatTpm2ToolsYaml(eventlogParseTree(bytes, options));
}

/** The JSON tree `tl ima parse` prints. */
export function imaParseTree(bytes: Uint8Array, banks: readonly number[] = [TPM_ALG_SHA1, TPM_ALG_SHA256]): { [key: string]: Tree } {
  const entries = parseImaLog(bytes);
  const r = replayIma(entries, banks);
  const pcrs: { [key: string]: Tree } = {};
  for (const [algId, bank] of r.pcrs) {
    const b: { [key: string]: Tree } = {};
    for (const [i, v] of [...bank].sort((x, y) => x[0] - y[0])) b[String(i)] = toHex(v);
    pcrs[hashById(algId)!.name] = b;
  }
  return {
    entries: entries.map((e) => {
      const o: { [key: string]: Tree } = { pcr: e.pcr, templateHash: toHex(e.templateHash), templateName: e.templateName };
      if (e.fileDigest) o.fileDigest = `${e.fileDigest.algorithm}:${toHex(e.fileDigest.digest)}`;
      if (e.path !== undefined) o.path = e.path;
      if (e.signature) o.signature = toHex(e.signature);
      if (e.buffer) o.buffer = toHex(e.buffer);
      return o;
    }),
    pcrs,
    templateHashMismatches: [...r.templateHashMismatches],
    violations: [...r.violations],
  };
}

/** `tl ima parse --yaml`. */
export function imaParseYaml(bytes: Uint8Array, banks?: readonly number[]): string {
  return stringify(imaParseTree(bytes, banks));
}
