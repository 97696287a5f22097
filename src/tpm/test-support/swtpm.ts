/**
 * Test support: start a real swtpm (Debian `swtpm`, `swtpm-tools`) on loopback, manufactured by
 * swtpm_setup with EK certificates from a private local CA, in a temporary directory.
 * Ports come from binding port 0; swtpm runs with --daemon so that, when the spawning command
 * returns, both sockets are already listening (no sleeps, no polling).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A TCP port that was free a moment ago (bound to port 0 on loopback, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Two consecutive free ports (data P, control P+1), as `swtpm:` TCTIs expect. */
export async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await freePort();
    if (p >= 65535) continue;
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(p + 1, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return p;
  }
  throw new Error('no free port pair found');
}

export interface SwtpmInstance {
  dir: string;
  stateDir: string;
  port: number;
  ctrlPort: number;
  /** The manufactured state (before any test command), for restarting from scratch. */
  stop(): Promise<void>;
}

export interface SetupOptions {
  pcrBanks?: string;
  /** Leave the TPM un-started (no startup-clear), for locality/Startup tests. */
  noStartup?: boolean;
}

/** Run swtpm_setup (EK certs, platform cert) into a fresh directory. Returns the directory. */
export async function manufactureSwtpm(opts: SetupOptions = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tl-swtpm-'));
  const ca = join(dir, 'localca');
  const state = join(dir, 'state');
  mkdirSync(ca);
  mkdirSync(state);
  writeFileSync(
    join(ca, 'swtpm-localca.conf'),
    `statedir = ${ca}\nsigningkey = ${ca}/signkey.pem\nissuercert = ${ca}/issuercert.pem\ncertserial = ${ca}/certserial\n`,
  );
  writeFileSync(
    join(ca, 'swtpm_setup.conf'),
    `create_certs_tool= /usr/bin/swtpm_localca\ncreate_certs_tool_config = ${ca}/swtpm-localca.conf\ncreate_certs_tool_options = /etc/swtpm-localca.options\nactive_pcr_banks = ${opts.pcrBanks ?? 'sha1,sha256'}\n`,
  );
  await run('swtpm_setup', ['--tpm2', '--tpmstate', state, '--create-ek-cert', '--create-platform-cert', '--config', join(ca, 'swtpm_setup.conf'), '--overwrite']);
  return dir;
}

/** Start `swtpm socket` on a manufactured directory (from manufactureSwtpm). */
export async function startSwtpm(dir: string, opts: SetupOptions = {}): Promise<SwtpmInstance> {
  const state = join(dir, 'state');
  const port = await freePortPair();
  const ctrlPort = port + 1;
  const pidFile = join(dir, `swtpm-${port}.pid`);
  const flags = opts.noStartup ? 'not-need-init' : 'not-need-init,startup-clear';
  await run('swtpm', [
    'socket',
    '--tpm2',
    '--server',
    `type=tcp,port=${port},bindaddr=127.0.0.1`,
    '--ctrl',
    `type=tcp,port=${ctrlPort},bindaddr=127.0.0.1`,
    '--tpmstate',
    `dir=${state}`,
    '--flags',
    flags,
    '--daemon',
    '--pid',
    `file=${pidFile}`,
    '--log',
    `file=${join(dir, 'swtpm.log')},level=0`,
  ]);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return {
    dir,
    stateDir: state,
    port,
    ctrlPort,
    async stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
