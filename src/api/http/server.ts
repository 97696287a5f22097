/**
 * The HTTPS front door shared by every face (ARM, Kubernetes, attestation).
 *
 * Steps of the pipeline, per request:
 *   1. give it a request id (x-ms-request-id) and read the URL,
 *   2. find the route (404 / 405 otherwise),
 *   3. read the body, refusing more than `maxBodyBytes`,
 *   4. authenticate and authorize for the route's scope,
 *   5. run the handler,
 *   6. map any error to the face's error format (ARM envelope, Kubernetes Status),
 *   7. write the response (JSON, bytes or a stream) and log one line.
 * No error escapes: a handler that throws gets a 500 in the face's format, and the process lives on.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../../core/log.js';
import type { AuthScope, Router } from './router.js';
import type { ApiRequest, ApiResponse } from './types.js';

export interface Face {
  /** Authenticate/authorize the request for this scope; a response means "refuse with this". */
  authenticate(req: ApiRequest, action: string | undefined): Promise<ApiResponse | undefined>;
  /** Turn any thrown value into this face's error response. */
  errorResponse(err: unknown, req: ApiRequest): ApiResponse;
  /** The response for an unknown path or method in this face. */
  notFound(req: ApiRequest, methodMismatch: boolean): ApiResponse;
  /** Optional check before the handler (e.g. ARM's api-version). */
  precheck?(req: ApiRequest, versions: string | undefined): ApiResponse | undefined;
}

export interface ServerOptions {
  readonly key: string;
  readonly cert: string;
  readonly router: Router;
  readonly faces: Record<AuthScope, Face>;
  /** Which face answers a path no route matches. */
  readonly faceForPath: (path: string) => AuthScope;
  readonly log: Logger;
  readonly maxBodyBytes: number;
}

export function createApiServer(o: ServerOptions): Server {
  return createServer({ key: o.key, cert: o.cert, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    void handle(o, req, res);
  });
}

async function handle(o: ServerOptions, inc: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = process.hrtime.bigint();
  // 1.
  const requestId = randomUUID();
  const host = inc.headers.host ?? 'localhost';
  const url = new URL(inc.url ?? '/', `https://${host}`);
  const socket = inc.socket as TLSSocket;
  const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
  const req: ApiRequest = {
    method: inc.method ?? 'GET',
    path: safeDecode(url.pathname),
    query: url.searchParams,
    headers: inc.headers,
    body: new Uint8Array(0),
    requestId,
    baseUrl: `https://${host}`,
    params: {},
    ...(peer && peer.raw ? { clientCertificate: new Uint8Array(peer.raw) } : {}),
  };
  let scope: AuthScope = o.faceForPath(req.path);
  let response: ApiResponse;
  try {
    // 2.
    const m = o.router.match(req.method, req.path);
    if (!m || 'methodMismatch' in m) {
      response = o.faces[scope].notFound(req, !!m);
      await drain(inc);
    } else {
      scope = m.route.auth;
      const face = o.faces[scope];
      req.params = m.params;
      // 3.
      const limit = m.route.maxBodyBytes ?? o.maxBodyBytes;
      const body = await readBody(inc, limit);
      if (body === 'too-large') {
        response = face.errorResponse(new BodyTooLargeError(limit), req);
      } else {
        (req as { body: Uint8Array }).body = body;
        // 4.
        response = (await face.authenticate(req, m.route.action)) ?? face.precheck?.(req, m.route.versions) ?? (await m.route.handler(req)); // 5.
      }
    }
  } catch (e) {
    // 6.
    response = o.faces[scope].errorResponse(e, req);
    if (response.status >= 500) o.log.error({ err: e, requestId, path: req.path }, 'request failed');
  }
  // 7.
  write(res, req, response);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  o.log.debug({ requestId, method: req.method, path: req.path, status: response.status, ms: Math.round(ms * 100) / 100 }, 'request');
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

function readBody(inc: IncomingMessage, max: number): Promise<Uint8Array | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(inc.headers['content-length'] ?? 0);
    if (declared > max) {
      inc.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let n = 0;
    let over = false;
    inc.on('data', (c: Buffer) => {
      if (over) return;
      n += c.length;
      if (n > max) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    inc.on('end', () => resolve(over ? 'too-large' : new Uint8Array(Buffer.concat(chunks))));
    inc.on('error', reject);
  });
}

function drain(inc: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    inc.on('end', resolve);
    inc.on('error', () => resolve());
    inc.resume();
  });
}

function write(res: ServerResponse, req: ApiRequest, r: ApiResponse): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { 'x-ms-request-id': req.requestId, ...(r.headers ?? {}) };
  const corr = req.headers['x-ms-correlation-request-id'];
  headers['x-ms-correlation-request-id'] = typeof corr === 'string' ? corr : req.requestId;
  const clientReq = req.headers['x-ms-client-request-id'];
  if (typeof clientReq === 'string') headers['x-ms-client-request-id'] = clientReq;
  if (r.stream) {
    res.writeHead(r.status, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...headers });
    res.flushHeaders(); // client-node's Watch waits for headers (reference/ecosystem.md §1.2)
    r.stream(
      (chunk) => res.write(chunk),
      (fn) => res.on('close', fn),
      () => res.end(),
    );
    return;
  }
  let payload: Uint8Array | string | undefined;
  if (r.raw) payload = r.raw;
  else if (r.body !== undefined) {
    payload = JSON.stringify(r.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(r.status, { ...headers, 'content-length': String(payload === undefined ? 0 : Buffer.byteLength(payload)) });
  res.end(payload);
}
