/**
 * Transport to a TPM speaking swtpm's socket protocol (`swtpm socket --server type=tcp` and our
 * own server in swtpm-server.ts): the data socket carries raw TPM 2.0 command and response
 * bytes with no extra framing (a response is delimited by the size in its header); the control
 * socket (port + 1 by convention) takes tpm_ioctl.h commands, one connection per command as
 * libtss2-tcti-swtpm does. swtpm serves one data connection at a time, so one client keeps one
 * long-lived connection and sends one command at a time.
 */
import { connect, type Socket } from 'node:net';
import { concat } from '../../core/bytes.js';
import { TlError } from '../../core/errors.js';
import type { Transport } from '../client/transport.js';
import { CMD } from './swtpm-control.js';

/** A response larger than this is treated as a protocol error (swtpm's buffer is 4 KiB). */
const MAX_RESPONSE = 64 * 1024;

export class TransportError extends TlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TpmTransportError', message, options);
  }
}

/** Reads length-delimited TPM responses from a socket. */
class ResponseReader {
  private chunks: Uint8Array[] = [];
  private have = 0;
  private waiter: { resolve: (b: Uint8Array) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
      this.have += d.byteLength;
      this.pump();
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      this.waiter?.reject(this.failure);
      this.waiter = undefined;
    };
    socket.on('error', (e) => fail(new TransportError(`TPM socket error: ${e.message}`, { cause: e })));
    socket.on('close', () => fail(new TransportError('TPM socket closed')));
  }

  private pump(): void {
    if (!this.waiter || this.have < 6) return;
    const head = concat(...this.chunks);
    this.chunks = [head];
    const size = new DataView(head.buffer, head.byteOffset).getUint32(2);
    if (size < 10 || size > MAX_RESPONSE) {
      this.waiter.reject(new TransportError(`bad response size ${size}`));
      this.waiter = undefined;
      return;
    }
    if (this.have < size) return;
    const resp = head.slice(0, size);
    const rest = head.subarray(size);
    this.chunks = rest.length ? [rest] : [];
    this.have = rest.length;
    const w = this.waiter;
    this.waiter = undefined;
    w.resolve(resp);
  }

  next(): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.pump();
    });
  }
}

export interface SwtpmEndpoint {
  host?: string;
  port: number;
  /** Control port; swtpm's convention (and libtss2-tcti-swtpm's) is port + 1. */
  controlPort?: number;
}

export class SwtpmTransport implements Transport {
  private readonly socket: Socket;
  private readonly reader: ResponseReader;
  private queue: Promise<unknown> = Promise.resolve();
  readonly host: string;
  readonly controlPort: number;

  private constructor(socket: Socket, host: string, controlPort: number) {
    this.socket = socket;
    this.reader = new ResponseReader(socket);
    this.host = host;
    this.controlPort = controlPort;
  }

  static connect(ep: SwtpmEndpoint): Promise<SwtpmTransport> {
    const host = ep.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      const s = connect({ host, port: ep.port });
      s.setNoDelay(true);
      s.once('connect', () => {
        s.removeListener('error', reject);
        resolve(new SwtpmTransport(s, host, ep.controlPort ?? ep.port + 1));
      });
      s.once('error', reject);
    });
  }

  send(command: Uint8Array): Promise<Uint8Array> {
    const run = async () => {
      const p = this.reader.next();
      this.socket.write(command);
      return p;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Send one control command (on its own connection) and return the raw response. */
  async control(cmd: number, body: Uint8Array = new Uint8Array(0), responseLength = 4): Promise<Uint8Array> {
    return controlCommand({ host: this.host, port: this.controlPort }, cmd, body, responseLength);
  }

  /** CMD_SET_LOCALITY: subsequent commands run at this locality. */
  async setLocality(locality: number): Promise<void> {
    await expectOk(this.control(CMD.SET_LOCALITY, new Uint8Array([locality])), 'SET_LOCALITY');
  }

  /** CMD_INIT: power-cycle the TPM (_TPM_Init); TPM2_Startup must follow. */
  async init(flags = 0): Promise<void> {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, flags);
    await expectOk(this.control(CMD.INIT, b), 'INIT');
  }

  /** CMD_SHUTDOWN: stop the TPM process (swtpm exits). */
  async shutdownProcess(): Promise<void> {
    await expectOk(this.control(CMD.SHUTDOWN), 'SHUTDOWN');
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
      this.socket.destroySoon();
    });
  }
}

async function expectOk(p: Promise<Uint8Array>, what: string): Promise<void> {
  const r = await p;
  const res = new DataView(r.buffer, r.byteOffset).getUint32(0);
  if (res !== 0) throw new TransportError(`swtpm control ${what} failed with 0x${res.toString(16)}`);
}

/** One control command on a fresh connection; resolves with exactly `responseLength` bytes. */
export function controlCommand(ep: { host: string; port: number }, cmd: number, body: Uint8Array, responseLength: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: ep.host, port: ep.port });
    const chunks: Buffer[] = [];
    let n = 0;
    s.once('connect', () => {
      const head = new Uint8Array(4);
      new DataView(head.buffer).setUint32(0, cmd);
      s.write(concat(head, body));
    });
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      n += d.length;
      if (n >= responseLength) {
        s.destroy();
        resolve(new Uint8Array(Buffer.concat(chunks).subarray(0, responseLength)));
      }
    });
    s.once('error', (e) => reject(new TransportError(`control socket: ${e.message}`, { cause: e })));
    s.once('close', () => reject(new TransportError('control socket closed before the response')));
  });
}
