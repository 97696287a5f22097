/**
 * The everyday tpm2-tools commands against swtpm and against our simulator: every tool must
 * end the same way on both (and all but the deliberately refused ones succeed), and print the
 * same output once what legitimately differs is normalised (tool-sweep.ts lists what and why).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTpmServer, type TpmServer } from '../io/swtpm-server.js';
import { manufactureSwtpm, removeDir, startSwtpm, type SwtpmInstance } from '../test-support/swtpm.js';
import { compareOutputs, sweep, type SweepStep } from '../test-support/tool-sweep.js';
import { Tools } from '../test-support/tpm2-tools.js';
import { TPM_ALG } from '../types/constants.js';

let dir: string;
let swtpm: SwtpmInstance;
let server: TpmServer;
let theirs: SweepStep[];
let ours: SweepStep[];
const work = [mkdtempSync(join(tmpdir(), 'tl-sweep-a-')), mkdtempSync(join(tmpdir(), 'tl-sweep-b-'))];

beforeAll(async () => {
  dir = await manufactureSwtpm();
  swtpm = await startSwtpm(dir);
  // Configured as swtpm is here (manufactureSwtpm: active_pcr_banks sha1,sha256; startup-clear at
  // locality 0), so PCR banks, PCR values and PCR policies are comparable byte for byte. The
  // Azure-style Startup at locality 3 is covered by tpm2-tools-sim.test.ts.
  server = await startTpmServer({ port: 0, startupLocality: 0, simulatorOptions: { profile: { pcrBanks: [TPM_ALG.SHA1, TPM_ALG.SHA256] } } });
  theirs = await sweep(new Tools('127.0.0.1', swtpm.port, work[0]!));
  ours = await sweep(new Tools('127.0.0.1', server.port, work[1]!));
});

afterAll(async () => {
  await server?.close();
  await swtpm?.stop();
  if (dir) removeDir(dir);
  for (const w of work) rmSync(w, { recursive: true, force: true });
});

const step = (steps: SweepStep[], command: string) => steps.find((s) => s.command === command)!;
const yamlKeys = (s: string) => Object.keys((parse(s, { schema: 'failsafe' }) ?? {}) as object);
/** A TPM property from tpm2_getcap properties-fixed/-variable output (`KEY: 0x..` or `KEY:\n  raw: 0x..`). */
function property(s: string, key: string): number {
  const v = (parse(s, { schema: 'failsafe' }) as Record<string, unknown>)[key];
  return Number(typeof v === 'string' ? v : (v as { raw: string }).raw);
}

describe('tpm2-tools sweep', () => {
  it('ends every tool the same way on swtpm and on the simulator', () => {
    expect(ours.map((s) => [s.command, s.code])).toEqual(theirs.map((s) => [s.command, s.code]));
    const failed = ours.filter((s) => s.code !== 0).map((s) => s.command);
    if (process.env.SHOW_SWEEP) console.log(failed);
    // PCR 0 cannot be reset from locality 0 (TPM_RC_LOCALITY) on either TPM.
    expect(failed).toEqual(['tpm2_pcrreset 0']);
  });

  it('prints the same output on both, apart from what legitimately differs', () => {
    // Every difference at once, each with both sides, rather than stopping at the first.
    const differences: Array<{ command: string; theirs: unknown; ours: unknown }> = [];
    for (const [i, a] of theirs.entries()) {
      const c = compareOutputs(a.command, a.stdout, ours[i]!.stdout);
      if (JSON.stringify(c.ours) !== JSON.stringify(c.theirs)) {
        const keys = c.theirs && typeof c.theirs === 'object' && c.ours && typeof c.ours === 'object' ? Object.keys(c.theirs).filter((k) => JSON.stringify((c.theirs as Record<string, unknown>)[k]) !== JSON.stringify((c.ours as Record<string, unknown>)[k])) : undefined;
        differences.push(keys ? { command: a.command, theirs: Object.fromEntries(keys.map((k) => [k, (c.theirs as Record<string, unknown>)[k]])), ours: Object.fromEntries(keys.map((k) => [k, (c.ours as Record<string, unknown>)[k]])) } : { command: a.command, theirs: c.theirs, ours: c.ours });
      }
      if (c.onlyOurs?.length) differences.push({ command: a.command, theirs: 'not listed', ours: c.onlyOurs });
    }
    expect(differences).toEqual([]);
  });

  it('implements a subset of swtpm\'s algorithms and curves: exactly these are missing', () => {
    const only = (command: string) => compareOutputs(command, step(theirs, command).stdout, step(ours, command).stdout).onlyTheirs;
    expect(only('tpm2_getcap algorithms')).toEqual(['tdes', 'ecdaa', 'sm2', 'ecschnorr', 'ecmqv', 'kdf2', 'camellia', 'cmac', 'ctr', 'ofb', 'cbc', 'ecb']);
    expect(only('tpm2_getcap ecc-curves')).toEqual(['TPM2_ECC_NIST_P192', 'TPM2_ECC_NIST_P224', 'TPM2_ECC_BN_P256', 'TPM2_ECC_BN_P638', 'TPM2_ECC_SM2_P256']);
    // The commands both implement were compared attribute by attribute above; the simulator lists none swtpm lacks.
    expect(only('tpm2_getcap commands')!.length).toBeGreaterThan(0);
  });

  it('reports counts consistent with its own lists (what the normalisation leaves out)', () => {
    for (const steps of [theirs, ours]) {
      const commands = yamlKeys(step(steps, 'tpm2_getcap commands').stdout).length;
      const fixed = step(steps, 'tpm2_getcap properties-fixed').stdout;
      expect(property(fixed, 'TPM2_PT_TOTAL_COMMANDS')).toBe(commands);
      expect(property(fixed, 'TPM2_PT_LIBRARY_COMMANDS')).toBe(commands);
      const curves = yamlKeys(step(steps, 'tpm2_getcap ecc-curves').stdout).length;
      expect(property(step(steps, 'tpm2_getcap properties-variable').stdout, 'TPM2_PT_LOADED_CURVES')).toBe(curves);
    }
  });
});
