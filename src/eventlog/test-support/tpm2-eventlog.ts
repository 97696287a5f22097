/** Run Debian's tpm2_eventlog (tpm2-tools 5.4) on bytes and parse its YAML (failsafe schema). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseTpm2ToolsYaml } from './corpus.js';
import type { Tree } from '../tpm2-tools-tree.js';

let dir: string | undefined;

/** Its output, and what it printed on stderr (its WARN/ERROR lines, e.g. a digest that does not match its event data). */
export function runTpm2Eventlog(bytes: Uint8Array, name = 'log.bin', version: 1 | 2 = 2): { yaml: any; stderr: string } {
  dir ??= mkdtempSync(join(tmpdir(), 'tl-eventlog-'));
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const r = spawnSync('tpm2_eventlog', [`--eventlog-version=${version}`, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`tpm2_eventlog ${name} exited ${r.status}: ${r.stderr}`);
  return { yaml: normalize54(parseTpm2ToolsYaml(r.stdout)), stderr: r.stderr };
}

/** 5.4 prints each line of a multi-line string as its own double-quoted scalar, without the newline. */
function unquoteLines(v: string): string {
  return v.split('\n').map((line) => parseYaml(line.trim()) as string).join('\n');
}

/**
 * tpm2-tools 5.4 prints EV_IPL / SbatLevel strings as a block scalar holding a double-quoted YAML
 * string (`String: |-\n  "grub_cmd: …\0"`); 5.8 prints the double-quoted scalar directly. Unwrap
 * the 5.4 form so both compare equal.
 */
function normalize54(t: any): any {
  if (Array.isArray(t)) return t.map(normalize54);
  if (t && typeof t === 'object') {
    const o: any = {};
    for (const [k, v] of Object.entries(t)) {
      o[k] = k === 'String' && typeof v === 'string' && v.startsWith('"') && v.endsWith('"') ? unquoteLines(v) : normalize54(v);
    }
    return o;
  }
  return t;
}

/** What the failsafe YAML schema would give for our value: every scalar a string, empty for null. */
export function asFailsafe(t: Tree): unknown {
  if (t === null) return '';
  if (typeof t === 'number') return String(t);
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.map(asFailsafe);
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, asFailsafe(v)]));
}

/** 5.4 splits strings on newlines and drops a final one: compare our strings without it. */
export function dropFinalNewline(t: any): any {
  if (Array.isArray(t)) return t.map(dropFinalNewline);
  if (t && typeof t === 'object') {
    return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, k === 'String' && typeof v === 'string' ? v.replace(/\n$/, '') : dropFinalNewline(v)]));
  }
  return t;
}
