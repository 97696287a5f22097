/**
 * `tl tpm serve` (issue 4's CLI face) as a real process, driven by Debian's tpm2-tools over
 * swtpm's socket protocol (TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=P): the ready line, PCRs
 * started at locality 3, the manufactured EK certificates in NV issued by the CA kept in --state,
 * the EK that tpm2_createek recreates, a clean stop on SIGTERM, and the same identity after a restart.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TL_BIN } from '../support/server.js';

const work = mkdtempSync(join(tmpdir(), 'tl-cli-tpm-'));
const state = join(work, 'state');
const running = new Set<ChildProcess>();

interface Served {
  readonly child: ChildProcess;
  readonly port: number;
  readonly line: string;
  stderr(): string;
  /** Resolves with the exit code and signal once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start `tl tpm serve …` and wait for its ready line (or its exit). */
function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [TL_BIN, 'tpm', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      res({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^TPM 2\.0 simulator listening on .*port=(\d+)$/m.exec(out);
      if (m) resolve({ child, port: Number(m[1]), line: out.split('\n')[0]!, stderr: () => err, exited });
    });
    void exited.then(({ code }) => reject(Object.assign(new Error(`tl tpm serve exited with ${code}: ${err}`), { code, stderr: err })));
  });
}

async function tools(port: number, cmd: string, ...args: string[]): Promise<string> {
  const r = await promisify(execFile)(cmd, args, { cwd: work, env: { ...process.env, TPM2TOOLS_TCTI: `swtpm:host=127.0.0.1,port=${port}` }, encoding: 'utf8' });
  return r.stdout;
}

afterAll(() => {
  for (const c of running) c.kill('SIGKILL');
});

describe('tl tpm serve', () => {
  let first: Buffer;

  it('serves a manufactured vTPM that tpm2-tools use: PCRs, EK certificates in NV, tpm2_createek; stops cleanly on SIGTERM', async () => {
    const s = await serve(['--port', '0', '--state', state]);
    expect(s.line).toBe(`TPM 2.0 simulator listening on 127.0.0.1:${s.port} (TPM commands) and 127.0.0.1:${s.port + 1} (swtpm control); use TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=${s.port}`);
    expect(await tools(s.port, 'tpm2_pcrread', 'sha256:0')).toMatch(/0 : 0x0{63}3\b/);
    await tools(s.port, 'tpm2_pcrextend', `16:sha256=${'2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'}`);
    expect(await tools(s.port, 'tpm2_pcrread', 'sha256:16')).toMatch(/16: 0x9851312028952521510E8EAAB5BE94E7DC24B5FC292B2E9781173CF11FFA9878/);

    const ca = new X509Certificate(readFileSync(join(state, 'vtpm-ca-cert.der')));
    for (const [index, file] of [['0x1c00002', 'ek-rsa.der'], ['0x1c0000a', 'ek-ecc.der']] as const) {
      await tools(s.port, 'tpm2_nvread', index, '-C', 'o', '-o', file);
      const cert = new X509Certificate(readFileSync(join(work, file)));
      expect(cert.checkIssued(ca) && cert.verify(ca.publicKey), `${file} issued by the vTPM CA`).toBe(true);
      expect(cert.toLegacyObject().ext_key_usage).toContain('2.23.133.8.1');
    }
    await tools(s.port, 'tpm2_createek', '-c', 'ek.ctx', '-G', 'rsa', '-f', 'pem', '-u', 'ek.pem');
    await tools(s.port, 'tpm2_flushcontext', '-t');
    const ek = new X509Certificate(readFileSync(join(work, 'ek-rsa.der'))).publicKey.export({ format: 'jwk' });
    expect(ek.n).toBe((await import('node:crypto')).createPublicKey(readFileSync(join(work, 'ek.pem'))).export({ format: 'jwk' }).n);
    first = readFileSync(join(work, 'ek-rsa.der'));

    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
  });

  it('keeps the vTPM identity in --state across a restart; PCRs start afresh', async () => {
    const s = await serve(['--port', '0', '--state', state]);
    await tools(s.port, 'tpm2_nvread', '0x1c00002', '-C', 'o', '-o', 'ek-rsa-2.der');
    expect(readFileSync(join(work, 'ek-rsa-2.der')).equals(first)).toBe(true);
    expect(await tools(s.port, 'tpm2_pcrread', 'sha256:16')).toMatch(/16: 0x0{64}\b/);

    // The port pair is taken: a second server says so and exits 1.
    const clash = await serve(['--port', String(s.port)]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(clash?.code).toBe(1);
    expect(clash?.stderr).toMatch(new RegExp(`^ERROR: Cannot listen on 127\\.0\\.0\\.1:${s.port} or ${s.port + 1}: .*EADDRINUSE`, 'm'));

    s.child.kill('SIGINT');
    expect(await s.exited).toEqual({ code: 0, signal: null });
  });

  it('without --state: a fresh in-memory vTPM; --startup-locality 0 starts PCR 0 at zero as swtpm does', async () => {
    const s = await serve(['--port', '0', '--startup-locality', '0']);
    expect(await tools(s.port, 'tpm2_pcrread', 'sha256:0')).toMatch(/0 : 0x0{64}\b/);
    await tools(s.port, 'tpm2_nvread', '0x1c00002', '-C', 'o', '-o', 'ek-mem.der');
    expect(readFileSync(join(work, 'ek-mem.der')).equals(first)).toBe(false);
    s.child.kill('SIGTERM');
    expect((await s.exited).code).toBe(0);
  });

  it('refuses a port without room for the control channel', async () => {
    const e = await serve(['--port', '65535']).catch((x: { code: number; stderr: string }) => x);
    expect(e).toMatchObject({ code: 1 });
    expect((e as { stderr: string }).stderr).toContain('invalid --port 65535');
  });
});
