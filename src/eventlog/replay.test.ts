import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEventLog } from './parse.js';
import { pcrValuesToHex, replay } from './replay.js';
import { parseTpm2ToolsYaml, readBytes, tpm2ToolsFixtures } from './test-support/corpus.js';

describe('replay vs tpm2-tools 5.8 expected pcrs', () => {
  for (const f of tpm2ToolsFixtures()) {
    it(f.name, () => {
      const log = parseEventLog(readBytes(f.bin));
      const expected = parseTpm2ToolsYaml(readFileSync(f.raw!, 'utf8')).pcrs ?? {};
      const got = pcrValuesToHex(replay(log));
      for (const [bank, pcrs] of Object.entries(expected as Record<string, Record<string, string>>)) {
        for (const [i, v] of Object.entries(pcrs)) expect(`${bank}[${i}]=${got[bank]?.[Number(i)]}`).toBe(`${bank}[${i}]=${v.slice(2)}`);
      }
    });
  }
});
