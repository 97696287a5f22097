/**
 * Running `tl` in tests: in-process through the CLI's `run(argv, io)` with captured streams and
 * a private HOME / config directory (fast; most tests), or as a real process through bash with
 * `alias az=tl`, exactly as a user pastes the document's lines (the verbatim test, the bench).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/framework/io.js';
import { TL_BIN, waitFor, type TestServer } from './server.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (undefined when it is not JSON). */
  readonly json: any;
}

export interface CliEnv {
  /** HOME for the CLI (~/.ssh, ~/.kube). */
  readonly home: string;
  /** The CLI's config directory (extensions, defaults, token cache). */
  readonly configDir: string;
  /** The server's data directory (its profile.json). */
  readonly tlHome: string;
  readonly extraEnv?: Record<string, string>;
}

/** A fresh HOME and config directory next to a server. */
export function cliEnv(server: Pick<TestServer, 'dataDir'> | { dataDir: string }, extraEnv: Record<string, string> = {}): CliEnv {
  const root = mkdtempSync(join(tmpdir(), 'tl-cli-'));
  mkdirSync(join(root, 'home'), { recursive: true });
  return { home: join(root, 'home'), configDir: join(root, 'config'), tlHome: server.dataDir, extraEnv };
}

/** POSIX-shell-like splitting of one command line (quotes, backslash escapes). */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === q) q = undefined;
      else if (c === '\\' && q === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      q = c;
      has = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

function parseJson(s: string): unknown {
  try {
    return s.trim() ? JSON.parse(s) : undefined;
  } catch {
    return undefined;
  }
}

/** Run the CLI in-process: `tl(env, 'aks nodepool show …')` or with an argv array. */
export async function tl(
  env: CliEnv,
  args: string | readonly string[],
  o: { tty?: boolean; prog?: string; input?: readonly string[]; cwd?: string } = {},
): Promise<CliResult> {
  const argv = typeof args === 'string' ? splitCommandLine(args) : args;
  let stdout = '';
  let stderr = '';
  const answers = [...(o.input ?? [])];
  const io: Io = {
    stdout: { write: (t) => void (stdout += t), isTTY: o.tty === true },
    stderr: { write: (t) => void (stderr += t), isTTY: o.tty === true },
    env: { HOME: env.home, TL_HOME: env.tlHome, TL_CONFIG_DIR: env.configDir, ...env.extraEnv },
    home: env.home,
    cwd: o.cwd ?? env.home,
    ...(o.input ? { readLine: async (prompt: string) => ((stderr += prompt), answers.shift() ?? '') } : {}),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
  const code = await run(argv, io, o.prog ?? 'tl');
  return { code, stdout, stderr, json: parseJson(stdout) };
}

/** Run a shell script with `alias az=tl` as a user would (bash, real processes). */
export function shell(env: CliEnv, script: string, timeoutMs = 60_000): Promise<CliResult> {
  const full = `shopt -s expand_aliases\nalias az='${process.execPath} ${TL_BIN}'\nalias tl='${process.execPath} ${TL_BIN}'\n${script}\n`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', full], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: env.home, TL_HOME: env.tlHome, TL_CONFIG_DIR: env.configDir, ...env.extraEnv },
      cwd: tmpdir(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`script timed out after ${timeoutMs} ms:\n${script}\nstderr so far:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, json: parseJson(stdout) });
    });
  });
}

/**
 * The document's preparation through the CLI: `az extension add --name aks-preview`, `az feature
 * register` of TrustedLaunchPreview until it is Registered, then `az provider register --wait`.
 */
export async function prepareTrustedLaunch(env: CliEnv): Promise<void> {
  for (const line of ['extension add --name aks-preview', 'feature register --namespace Microsoft.ContainerService --name TrustedLaunchPreview']) {
    const r = await tl(env, `${line} --only-show-errors`);
    if (r.code !== 0) throw new Error(`${line}: ${r.stderr}`);
  }
  await waitFor(async () => (await tl(env, 'feature show --namespace Microsoft.ContainerService --name TrustedLaunchPreview --query properties.state -o tsv')).stdout === 'Registered\n', 'the feature to be Registered');
  const p = await tl(env, 'provider register --namespace Microsoft.ContainerService --wait --only-show-errors');
  if (p.code !== 0) throw new Error(`provider register: ${p.stderr}`);
}
