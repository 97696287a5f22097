/**
 * The same scripted tpm2-tools flow against swtpm and against our simulator (both started with
 * TPM2_Startup(CLEAR) at locality 0 and the SHA-1 + SHA-256 banks): every value the
 * specification makes deterministic — PCR values, policy digests, Names — must be identical.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTpmServer, type TpmServer } from '../io/swtpm-server.js';
import { deterministicFlow } from '../test-support/deterministic-flow.js';
import { manufactureSwtpm, removeDir, startSwtpm, type SwtpmInstance } from '../test-support/swtpm.js';
import { Tools } from '../test-support/tpm2-tools.js';
import { TPM_ALG } from '../types/constants.js';

let swtpmDir: string;
let swtpm: SwtpmInstance;
let server: TpmServer;
const work: string[] = [];

beforeAll(async () => {
  swtpmDir = await manufactureSwtpm();
  swtpm = await startSwtpm(swtpmDir);
  server = await startTpmServer({ port: 0, startupLocality: 0, simulatorOptions: { profile: { pcrBanks: [TPM_ALG.SHA1, TPM_ALG.SHA256] } } });
});

afterAll(async () => {
  await server?.close();
  await swtpm?.stop();
  if (swtpmDir) removeDir(swtpmDir);
  for (const d of work) rmSync(d, { recursive: true, force: true });
});

function workdir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tl-flow-'));
  work.push(d);
  return d;
}

describe('the same tpm2-tools flow on swtpm and on the simulator', () => {
  it('gives identical PCR values, policy digests and Names', async () => {
    const theirs = await deterministicFlow(new Tools('127.0.0.1', swtpm.port, workdir()));
    const ours = await deterministicFlow(new Tools('127.0.0.1', server.port, workdir()));
    if (process.env.SHOW_FLOW) console.log(JSON.stringify(ours, null, 1));
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    for (const k of Object.keys(theirs)) expect({ [k]: ours[k] }).toEqual({ [k]: theirs[k] });
    // The flow did change state: PCR 16 is no longer zero and the policy is the TCG EK policy.
    expect(theirs.policySecret).toContain('837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa');
    expect(theirs.pcrread).not.toMatch(/16: 0x0{64}\b/);
  });
});
