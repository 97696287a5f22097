/**
 * Test helpers: the real-log corpus as copied into `src/eventlog/testdata/` (from the shared corpus
 * `../shared/corpus/eventlog/`; testdata/README.md gives each file's provenance) and the
 * tpm2-tools expected YAML outputs, loaded with the `yaml` package in the failsafe schema so every
 * scalar stays the exact string the tool printed (no number coercion of 0x… digests).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
/** A copy of the shared corpus kept with the code (testdata/README.md says where each file came from). */
export const CORPUS = resolve(import.meta.dirname, '../testdata');
export const TPM2_TOOLS = resolve(CORPUS, 'tpm2-tools');
export const KEYLIME = resolve(CORPUS, 'keylime');

export function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** The tpm2-tools fixture logs that have an expected YAML, with their YAML paths. */
export function tpm2ToolsFixtures(): { name: string; bin: string; raw?: string; pretty?: string }[] {
  const out: { name: string; bin: string; raw?: string; pretty?: string }[] = [];
  for (const f of readdirSync(TPM2_TOOLS).sort()) {
    if (!f.endsWith('.bin') || !(f.startsWith('event') || f.startsWith('specid'))) continue;
    const raw = [resolve(TPM2_TOOLS, 'event-raw', `${f}.yaml`), resolve(TPM2_TOOLS, `${f}.yaml`)].find(existsSync);
    const pretty = resolve(TPM2_TOOLS, 'event-pretty-39', `${f}.yaml`);
    out.push({ name: f, bin: resolve(TPM2_TOOLS, f), raw, pretty: existsSync(pretty) ? pretty : undefined });
  }
  return out;
}

/**
 * Parse tpm2_eventlog YAML. The tool's SHA-1-format output (`version: 1` on a legacy log) is not
 * valid YAML: its events lack the `- ` list marker. Those lines are repaired first (each
 * `  PCRIndex:` starts a new list item) so the document parses with the real `yaml` package.
 */
export function parseTpm2ToolsYaml(text: string): any {
  const lines = text.split('\n');
  const eventsAt = lines.indexOf('events:');
  const pcrsAt = lines.findIndex((l) => l.startsWith('pcrs:'));
  if (eventsAt >= 0 && lines[eventsAt + 1]?.startsWith('  PCRIndex:')) {
    for (let i = eventsAt + 1; i < (pcrsAt < 0 ? lines.length : pcrsAt); i++) {
      const l = lines[i]!;
      if (l.startsWith('  PCRIndex:')) lines[i] = '- ' + l.slice(2);
    }
  }
  return parseYaml(lines.join('\n'), { schema: 'failsafe' });
}
