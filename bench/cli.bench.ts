/**
 * `tl` start-up and a typical command, as processes (issue 3 "Tests and evidence"):
 *  - `tl --version`, target ≤ 150 ms; limit: a bare `node -e 0` process (no CLI can start
 *    faster than the runtime it runs on);
 *  - `tl aks nodepool show` end to end against a running `tl serve`, target ≤ 300 ms; limit: a
 *    node process that makes the same HTTPS GET with the same token and CA and nothing else;
 *    peer: curl making that GET (az itself is not installed here: ~700 MB, and it lacks the
 *    Trusted Launch fields without aks-preview — reference/ecosystem.md §3);
 *  - the same command in-process (the CLI's own work without process start-up), against the
 *    in-process HTTPS GET.
 * Medians of 15 runs after 2 warm-ups.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { percentile, type Figure } from './harness.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const REPO = resolve(here, here.includes('/dist/') ? '../..' : '..');
const TL = join(REPO, 'bin/tl.js');
const RUNS = 15;

function medianOf(fn: () => void): number {
  fn();
  fn();
  const s: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    fn();
    s.push(performance.now() - t);
  }
  return percentile(s, 50);
}

async function medianAsync(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  await fn();
  const s: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    s.push(performance.now() - t);
  }
  return percentile(s, 50);
}

function proc(cmd: string, args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

async function startServer(dataDir: string): Promise<{ stop: () => void; url: string }> {
  const child = spawn(process.execPath, [TL, 'serve', '--port', '0', '--data-dir', dataDir, '--timing', 'test', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/listening on (https:\/\/\S+)/);
      if (m) res(m[1]!);
    });
    child.once('exit', (c) => rej(new Error(`server exited ${c}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

export async function run(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tl-bench-cli-'));
  const home = mkdtempSync(join(tmpdir(), 'tl-bench-home-'));
  const server = await startServer(dataDir);
  const env = { PATH: process.env.PATH, HOME: home, TL_HOME: dataDir, TL_CONFIG_DIR: join(home, 'config') };
  try {
    const tl = (...a: string[]) => proc(process.execPath, [TL, ...a], env);
    tl('extension', 'add', '--name', 'aks-preview', '--only-show-errors');
    tl('group', 'create', '-n', 'bench', '-l', 'eastus', '-o', 'none');
    tl('aks', 'create', '-g', 'bench', '-n', 'c', '--node-count', '1', '--no-ssh-key', '-o', 'none', '--only-show-errors');
    tl('aks', 'nodepool', 'add', '-g', 'bench', '--cluster-name', 'c', '-n', 'p', '--node-count', '1', '-o', 'none', '--only-show-errors');
    const profile = JSON.parse(readFileSync(join(dataDir, 'profile.json'), 'utf8')) as { accessToken: string; caFile: string; subscriptionId: string };
    const path = `/subscriptions/${profile.subscriptionId}/resourceGroups/bench/providers/Microsoft.ContainerService/managedClusters/c/agentPools/p?api-version=2025-06-02-preview`;
    const showArgs = ['aks', 'nodepool', 'show', '-g', 'bench', '--cluster-name', 'c', '-n', 'p', '--only-show-errors'];

    const node0 = medianOf(() => proc(process.execPath, ['-e', '0'], env));
    const version = medianOf(() => tl('--version'));
    const rawGetScript = `const https=require('node:https');const fs=require('node:fs');https.get(${JSON.stringify(server.url + path)},{ca:fs.readFileSync(${JSON.stringify(profile.caFile)}),headers:{authorization:'Bearer ${profile.accessToken}'}},r=>{let b='';r.on('data',d=>b+=d);r.on('end',()=>process.stdout.write(b))})`;
    const rawGet = medianOf(() => proc(process.execPath, ['-e', rawGetScript], env));
    const show = medianOf(() => tl(...showArgs));
    const curl = medianOf(() => proc('curl', ['-sS', '--cacert', profile.caFile, '-H', `Authorization: Bearer ${profile.accessToken}`, server.url + path], env));

    // in-process: the CLI's own work
    const { run: runCli } = await import('../src/cli/main.js');
    const sink = { write: () => {}, isTTY: false };
    const io = { stdout: sink, stderr: sink, env, home, cwd: home, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
    const inProc = await medianAsync(async () => {
      const code = await runCli(showArgs, io, 'tl');
      if (code !== 0) throw new Error(`in-process show failed: ${code}`);
    });
    const ca = readFileSync(profile.caFile, 'utf8');
    const rawInProc = await medianAsync(
      () =>
        new Promise<void>((res, rej) => {
          request(server.url + path, { ca, headers: { authorization: `Bearer ${profile.accessToken}` } }, (r) => {
            r.resume();
            r.on('end', () => res());
          })
            .on('error', rej)
            .end();
        }),
    );

    return [
      {
        name: '`tl --version` (process, wall time)',
        value: version,
        unit: 'ms',
        limit: { name: 'node -e 0 (process start of the runtime)', value: node0, unit: 'ms' },
        ratio: node0 / version,
        target: '≤ 150 ms',
        met: version <= 150,
      },
      {
        name: '`tl aks nodepool show` end to end (process, wall time, server in another process)',
        value: show,
        unit: 'ms',
        limit: { name: 'node process doing the same HTTPS GET (same token and CA)', value: rawGet, unit: 'ms' },
        ratio: rawGet / show,
        peer: { name: 'curl, same GET', value: curl, unit: 'ms' },
        target: '≤ 300 ms',
        met: show <= 300,
      },
      {
        name: '`tl aks nodepool show` in-process (parse, profile, request, SDK naming, JSON output)',
        value: inProc,
        unit: 'ms',
        limit: { name: 'the bare HTTPS GET in-process', value: rawInProc, unit: 'ms' },
        ratio: rawInProc / inProc,
      },
    ];
  } finally {
    server.stop();
  }
}
