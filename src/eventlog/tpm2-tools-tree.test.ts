/**
 * Decoding equals tpm2_eventlog's, field by field: our tree for every corpus log against the
 * tpm2-tools 5.8 expected YAML (raw device paths: event-raw/; libefivar text: event-pretty-39/).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEventLog } from './parse.js';
import { parseTpm2ToolsYaml, readBytes, tpm2ToolsFixtures } from './test-support/corpus.js';
import { asFailsafe } from './test-support/tpm2-eventlog.js';
import { toTpm2ToolsTree } from './tpm2-tools-tree.js';

describe('tpm2_eventlog tree equals the tpm2-tools fixtures', () => {
  for (const f of tpm2ToolsFixtures()) {
    for (const [mode, path] of [['hex', f.raw], ['text', f.pretty]] as const) {
      if (!path) continue;
      it(`${f.name} (${mode} device paths)`, () => {
        const expected = parseTpm2ToolsYaml(readFileSync(path, 'utf8'));
        const version = Number(expected.version) as 1 | 2;
        const got = asFailsafe(toTpm2ToolsTree(parseEventLog(readBytes(f.bin)), { version, devicePaths: mode })) as any;
        expect(got.events.length).toBe(expected.events.length);
        for (let i = 0; i < got.events.length; i++) expect({ i, ...got.events[i] }).toEqual({ i, ...expected.events[i] });
        expect(got.pcrs).toEqual(expected.pcrs);
        expect(got.version).toBe(expected.version);
      });
    }
  }
});
