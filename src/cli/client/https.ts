/**
 * HTTPS requests with node:https and the platform's CA (DESIGN.md §7: `tl` trusts the CA in the
 * data directory automatically). One keep-alive agent per CA, so a command's requests and LRO
 * polls share a connection; idle sockets do not keep the process alive.
 */
import { Agent, request } from 'node:https';
import { UserError } from '../framework/errors.js';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

const agents = new Map<string, Agent>();

function agentFor(ca: string | undefined): Agent {
  const key = ca ?? '';
  let a = agents.get(key);
  if (!a) {
    a = new Agent({ keepAlive: true, maxSockets: 8, ...(ca ? { ca } : {}) });
    agents.set(key, a);
  }
  return a;
}

/** Close pooled connections (in-process callers, e.g. tests, call this when done). */
export function closeAgents(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

export function httpsRequest(
  url: string,
  o: { method: string; headers?: Record<string, string>; body?: string; ca?: string; timeoutMs?: number },
): Promise<HttpResponse> {
  const u = new URL(url);
  if (u.protocol !== 'https:') return Promise.reject(new UserError('ClientRequestError', `Refusing to send credentials over ${u.protocol.replace(':', '')}: ${u.origin}. The endpoint must use https.`));
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method: o.method,
        agent: agentFor(o.ca),
        headers: {
          accept: 'application/json',
          ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}),
          ...(o.headers ?? {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(o.timeoutMs ?? 60_000, () => req.destroy(new Error(`no response within ${(o.timeoutMs ?? 60_000) / 1000} s`)));
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new UserError('AzureConnectionError', `Failed to connect to ${u.origin}: ${e.message}. Is 'tl serve' running, and is the profile current? (run 'tl login' or start the server)`, { cause: e }),
      ),
    );
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}
