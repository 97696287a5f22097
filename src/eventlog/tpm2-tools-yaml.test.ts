/** Our YAML text equals tpm2_eventlog's, byte for byte, on every fixture it has an expected output for. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEventLog } from './parse.js';
import { readBytes, tpm2ToolsFixtures } from './test-support/corpus.js';
import { toTpm2ToolsTree } from './tpm2-tools-tree.js';
import { formatTpm2ToolsYaml } from './tpm2-tools-yaml.js';

describe('formatTpm2ToolsYaml', () => {
  for (const f of tpm2ToolsFixtures()) {
    for (const [mode, path] of [['hex', f.raw], ['text', f.pretty]] as const) {
      if (!path) continue;
      it(`${f.name} (${mode} device paths)`, () => {
        const expected = readFileSync(path, 'utf8');
        const version = Number(/^version: (\d)/m.exec(expected)![1]) as 1 | 2;
        const ours = formatTpm2ToolsYaml(toTpm2ToolsTree(parseEventLog(readBytes(f.bin)), { version, devicePaths: mode }));
        expect(ours).toBe(expected);
      });
    }
  }
});
