/**
 * End-to-end tests start a real `tl serve` process on port 0 with a temporary data directory
 * (DESIGN.md §5) and read its CLI profile. The process can be killed (SIGKILL) and restarted on
 * the same data directory for crash tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request as httpsRequest } from 'node:https';
import { dirname, join, resolve } from 'node:path';

/** The repository root (this file also runs compiled from dist/test/support for benches). */
export const REPO = ((): string => {
  let d = resolve(import.meta.dirname);
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
})();
export const TL_BIN = join(REPO, 'bin/tl.js');

export interface Profile {
  endpoint: string;
  caFile: string;
  tenantId: string;
  subscriptionId: string;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  expiresOn: number;
}

export interface TestServer {
  readonly dataDir: string;
  readonly url: string;
  readonly profile: Profile;
  readonly ca: string;
  readonly process: ChildProcess;
  /** stderr so far (pino JSON lines). */
  logs(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Start `tl serve --port 0` (built JS from dist/) and wait for its "listening on" line. */
export async function startServer(o: { dataDir?: string; timing?: string; env?: Record<string, string> } = {}): Promise<TestServer> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'tl-e2e-'));
  const child = spawn(process.execPath, [TL_BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--timing', o.timing ?? 'test', '--log-level', 'warn'], {
    env: { ...process.env, ...(o.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`server did not start in 30 s; stderr:\n${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/listening on (https:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code}; stderr:\n${stderr}`));
    });
  });
  const profile = JSON.parse(readFileSync(join(dataDir, 'profile.json'), 'utf8')) as Profile;
  return {
    dataDir,
    url,
    profile,
    ca: readFileSync(join(dataDir, 'ca.pem'), 'utf8'),
    process: child,
    logs: () => stderr,
    stop: (signal: NodeJS.Signals = 'SIGTERM') =>
      new Promise<void>((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        child.once('exit', () => res());
        child.kill(signal);
      }),
  };
}

/** An HTTPS request to the server with its CA and (by default) the admin token. */
export function armRequest(
  s: TestServer,
  method: string,
  path: string,
  body?: unknown,
  o: { token?: string | null; headers?: Record<string, string>; rawBody?: string | Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string; json: any }> {
  const u = new URL(path, s.url);
  const payload = o.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  const token = o.token === undefined ? s.profile.accessToken : o.token;
  return new Promise((res, rej) => {
    const req = httpsRequest(
      u,
      {
        method,
        ca: s.ca,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
          ...(o.headers ?? {}),
        },
      },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          res({ status: r.statusCode ?? 0, headers: r.headers, text, json });
        });
      },
    );
    req.on('error', rej);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Poll `fn` until it returns a truthy value (real time; the server runs the `test` timing profile). */
export async function waitFor<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
