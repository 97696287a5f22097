/** The request/response shapes the API pipeline passes around (adapters only: no domain logic). */
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../../platform/model/types.js';

export interface ApiRequest {
  readonly method: string;
  /** Decoded path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Raw body bytes (empty when none). */
  readonly body: Uint8Array;
  readonly requestId: string;
  /** `https://host:port` as the client addressed us, for absolute URLs in headers (LRO, nextLink). */
  readonly baseUrl: string;
  /** Path parameters of the matched route. */
  params: Record<string, string>;
  /** Set by authentication. */
  principal?: Principal;
  /** The client certificate (DER) for mutual-TLS routes (Kubernetes). */
  readonly clientCertificate?: Uint8Array;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** JSON-serialisable body, raw bytes, or a streaming writer (watch). */
  readonly body?: unknown;
  readonly raw?: Uint8Array;
  /** A streaming body (watch): write chunks, learn when the client goes, end the response. */
  readonly stream?: (write: (chunk: string) => boolean, onClose: (fn: () => void) => void, end: () => void) => void;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse => ({ status, body, headers });
