/**
 * Fuzzing the swtpm-protocol server's framing (swtpm-server.ts), not just sim.execute(): a real
 * server on port 0 gets random frames over TCP on the command port P and random commands on the
 * control port P+1 —
 *  - well-sized frames (random tags, command codes and bodies; oversized but within the 64 KiB
 *    frame limit), cut at random points into several writes: exactly one well-formed TPM
 *    response per frame, in order, and the connection stays open;
 *  - a header declaring fewer than 10 or more than 65,536 bytes: framing is lost, so the server
 *    answers TPM_RC_COMMAND_SIZE once and ends the connection, and nothing sent after it on that
 *    connection is executed (swtpm 0.7 answers an oversized header with TPM_RC_COMMAND_SIZE too
 *    but keeps reading, and waits for more after a header declaring < 10; ours stops at once);
 *  - a partial frame and then the client's FIN: no response, the partial command never runs, the
 *    connection closes;
 *  - several data connections with their chunks interleaved: each gets its own responses, in order;
 *  - random control commands (every tpm_ioctl.h code but CMD_SHUTDOWN, which ends the server by
 *    design, plus unknown codes), cut at random, while a data connection sends random frames:
 *    each control command gets the response its code defines.
 * The server never crashes (an exception in it would fail this file), and afterwards a normal
 * TpmClient over SwtpmTransport works with the TPM's NV state intact.
 */
import { X509Certificate } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes.js';
import { TpmClient } from '../client/client.js';
import { EK_CERT_NV, PERSISTENT } from '../manufacture/templates.js';
import { TPM_RC } from '../rc.js';
import { TPM_ALG, TPMA_NV } from '../types/constants.js';
import { pcrSelection } from '../types/pcr.js';
import { CMD } from './swtpm-control.js';
import { startTpmServer, type TpmServer } from './swtpm-server.js';
import { controlCommand, SwtpmTransport } from './swtpm-transport.js';

const MAX_FRAME = 64 * 1024; // swtpm-server.ts: larger declared sizes lose the framing
const NV_INDEX = 0x01500042;
const NV_AUTH = new TextEncoder().encode('fuzz-pw');
const NV_DATA = Uint8Array.from({ length: 48 }, (_, i) => (i * 37 + 11) & 0xff);

let server: TpmServer;
/** What the TPM holds before the fuzzing, to compare afterwards. */
let before: { ekName: string; akName: string; ekCert: string; nvName: string };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const concatAll = (parts: readonly Uint8Array[]) => new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));

/** A raw TCP connection that collects what it receives; half-open, so it can keep writing after the server's FIN. */
class Conn {
  private buf = Buffer.alloc(0);
  ended = false;
  closed = false;
  error: Error | undefined;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', (e) => {
      this.error = e;
      this.wake();
    });
  }

  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
      s.once('connect', () => {
        s.removeListener('error', reject);
        resolve(new Conn(s));
      });
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async until(done: () => boolean, what: string, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} (have ${this.buf.length} bytes, ended=${this.ended})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  get pending(): number {
    return this.buf.length;
  }

  /** The next `n` raw bytes (control responses). */
  async bytes(n: number): Promise<Uint8Array> {
    await this.until(() => this.buf.length >= n || this.ended || this.closed, `${n} bytes`);
    if (this.buf.length < n) throw new Error(`connection ended with ${this.buf.length} of ${n} bytes`);
    const out = new Uint8Array(this.buf.subarray(0, n));
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** The next TPM response, delimited by the size in its header. */
  async response(): Promise<Uint8Array> {
    const complete = () => this.buf.length >= 6 && (this.buf.readUInt32BE(2) < 10 || this.buf.length >= this.buf.readUInt32BE(2));
    await this.until(() => complete() || this.ended || this.closed, 'a TPM response');
    if (this.buf.length < 6) throw new Error(`connection ended with ${this.buf.length} bytes of a response`);
    const size = this.buf.readUInt32BE(2);
    if (size < 10 || size > 4096) throw new Error(`response declares ${size} bytes`);
    return this.bytes(size);
  }

  /** Write the chunks one by one, yielding to the event loop between them so they arrive as separate reads. */
  async write(chunks: readonly Uint8Array[]): Promise<void> {
    for (const c of chunks) {
      if (c.length === 0) continue;
      this.socket.write(c);
      await sleep(1);
    }
  }

  async endAndWaitClosed(): Promise<void> {
    this.socket.end();
    await this.until(() => this.closed, 'the connection to close');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const rcOf = (r: Uint8Array) => new DataView(r.buffer, r.byteOffset).getUint32(6);

/**
 * A well-formed TPM 2.0 response (Part 1 §18, Part 3 §5): size field = length ≥ 10; an error is a
 * 10-byte TPM_ST_NO_SESSIONS response, except TPM_RC_BAD_TAG, which is answered with the TPM 1.2
 * tag 0x00C4 (Part 3 §5.2); a success carries TPM_ST_NO_SESSIONS or TPM_ST_SESSIONS.
 */
function expectWellFormed(r: Uint8Array, what: string): void {
  const v = new DataView(r.buffer, r.byteOffset, r.byteLength);
  expect(r.length, what).toBeGreaterThanOrEqual(10);
  expect(v.getUint32(2), what).toBe(r.length);
  const tag = v.getUint16(0);
  const rc = v.getUint32(6);
  if (rc === 0) expect([0x8001, 0x8002], what).toContain(tag);
  else {
    expect(r.length, what).toBe(10);
    expect(tag, what).toBe(rc === TPM_RC.BAD_TAG ? 0x00c4 : 0x8001);
  }
}

function command(tag: number, cc: number, body: Uint8Array): Uint8Array {
  const b = new Uint8Array(10 + body.length);
  const v = new DataView(b.buffer);
  v.setUint16(0, tag);
  v.setUint32(2, b.length);
  v.setUint32(6, cc >>> 0);
  b.set(body, 10);
  return b;
}

const getRandom = (n: number) => command(0x8001, 0x17b, Uint8Array.of(n >> 8, n & 0xff));
/** TPM2_PCR_Extend(PCR 16, SHA-256 digest) with an empty password session. */
const extend16 = (digest: Uint8Array) => command(0x8002, 0x182, concatAll([hex('00000010 00000009 40000009 0000 01 0000 00000001 000b'), digest]));
/** TPM2_PCR_Read(sha256: 16). */
const readPcr16 = command(0x8001, 0x17e, hex('00000001 000b 03 000001'));

/** A frame the server must answer: a known command that succeeds (GetRandom of `n` bytes), or random content of a valid size. */
type Frame = { kind: 'random'; n: number; bytes: Uint8Array } | { kind: 'junk'; bytes: Uint8Array };

// Real command codes (none destructive: no Clear, ChangeEPS, EvictControl, NV_UndefineSpace, …) and codes no TPM has.
const CODES = [0x17b, 0x17a, 0x17e, 0x173, 0x182, 0x144, 0x145, 0x176, 0x165, 0x161, 0x169, 0x14e, 0x181, 0x143, 0x17c, 0x15d, 0x158];
const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  fc.integer({ min: 0, max: 48 }).map((n): Frame => ({ kind: 'random', n, bytes: getRandom(n) })),
  fc
    .tuple(
      fc.oneof(fc.constantFrom(0x8001, 0x8002, 0x00c1, 0x00c4), fc.integer({ min: 0, max: 0xffff })),
      fc.oneof(fc.constantFrom(...CODES), fc.integer({ min: 0x20000000, max: 0xffffffff })),
      fc.uint8Array({ maxLength: 96 }),
    )
    .map(([tag, cc, body]): Frame => ({ kind: 'junk', bytes: command(tag, cc, body) })),
  // Larger than the TPM's 4,096-byte command buffer, within the server's frame limit: TPM_RC_COMMAND_SIZE, connection kept.
  fc.integer({ min: 4097, max: 9000 }).map((size): Frame => ({ kind: 'junk', bytes: command(0x8001, 0x17b, new Uint8Array(size - 10)) })),
);

/** `bytes` cut at the given points (sorted, deduplicated) into consecutive chunks. */
function cut(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...at, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

async function expectAnswers(c: Conn, frames: readonly Frame[], what: string): Promise<void> {
  for (const [i, f] of frames.entries()) {
    const r = await c.response();
    expectWellFormed(r, `${what} frame ${i}`);
    if (f.kind === 'random') {
      // In order: the i-th response is the i-th command's (GetRandom answers 12 + n bytes).
      expect(rcOf(r), `${what} frame ${i}`).toBe(0);
      expect(r.length, `${what} frame ${i}`).toBe(12 + f.n);
    } else if (f.bytes.length > 4096) {
      expect(toHex(r)).toBe('80010000000a00000142');
    }
  }
}

/** PCR 16 (SHA-256) read on a fresh connection. */
async function pcr16(): Promise<string> {
  const c = await Conn.open(server.port);
  try {
    await c.write([readPcr16]);
    const r = await c.response();
    expect(rcOf(r)).toBe(0);
    return toHex(r.subarray(r.length - 32));
  } finally {
    c.destroy();
  }
}

beforeAll(async () => {
  server = await startTpmServer({ port: 0 });
  const t = await SwtpmTransport.connect({ port: server.port, controlPort: server.controlPort });
  const client = new TpmClient(t);
  await client.nvDefineSpace(
    { nvIndex: NV_INDEX, nameAlg: TPM_ALG.SHA256, attributes: TPMA_NV.AUTHREAD | TPMA_NV.AUTHWRITE | TPMA_NV.NO_DA, authPolicy: new Uint8Array(0), dataSize: NV_DATA.length },
    { auth: NV_AUTH },
  );
  await client.nvWrite(NV_INDEX, NV_DATA, { authorization: { password: NV_AUTH } });
  before = {
    ekName: toHex((await client.readPublic(PERSISTENT.EK_RSA)).name),
    akName: toHex((await client.readPublic(PERSISTENT.AK)).name),
    ekCert: toHex(await client.readEkCertificate(EK_CERT_NV.RSA2048)),
    nvName: toHex((await client.nvReadPublic(NV_INDEX)).name),
  };
  await t.close();
});

afterAll(async () => {
  await server?.close();
});

describe('the swtpm-protocol server under random framing', () => {
  it('answers every well-sized frame once, in order, however the bytes are split across writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frameArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), async (frames, points) => {
        const c = await Conn.open(server.port);
        try {
          // A final GetRandom(7) shows the connection is still open and nothing extra was sent before it.
          const all = [...frames, { kind: 'random', n: 7, bytes: getRandom(7) } as Frame];
          await c.write(cut(concatAll(all.map((f) => f.bytes)), points));
          await expectAnswers(c, all, 'split');
          expect(c.pending).toBe(0);
          expect(c.ended).toBe(false);
        } finally {
          c.destroy();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('answers a header declaring < 10 or > 65,536 bytes with TPM_RC_COMMAND_SIZE and ends the connection, running nothing sent after it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(frameArb, { maxLength: 3 }),
        fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: MAX_FRAME + 1, max: 0xffffffff })),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (frames, size, tail, digest, points) => {
          const pcr = await pcr16();
          const c = await Conn.open(server.port);
          try {
            const bad = new Uint8Array(6 + tail.length);
            new DataView(bad.buffer).setUint16(0, 0x8001);
            new DataView(bad.buffer).setUint32(2, size);
            bad.set(tail, 6);
            await c.write(cut(concatAll([...frames.map((f) => f.bytes), bad]), points));
            await expectAnswers(c, frames, 'before the bad size');
            expect(toHex(await c.response())).toBe('80010000000a00000142');
            await c.until(() => c.ended, "the server's FIN");
            expect(c.pending).toBe(0);
            // The client may still write on its half: a PCR_Extend there must not run.
            await c.write([extend16(digest)]);
            await c.endAndWaitClosed();
            expect(c.pending).toBe(0);
            expect(await pcr16()).toBe(pcr);
          } finally {
            c.destroy();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('drops a partial frame when the client closes: no answer, and the command never runs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frameArb, { maxLength: 3 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(), fc.array(fc.nat(), { maxLength: 6 }), async (frames, digest, keep, points) => {
        const pcr = await pcr16();
        const c = await Conn.open(server.port);
        try {
          const ext = extend16(digest);
          const partial = ext.subarray(0, keep % ext.length); // 0 … size−1 bytes of a PCR_Extend
          await c.write(cut(concatAll([...frames.map((f) => f.bytes), partial]), points));
          await expectAnswers(c, frames, 'before the partial frame');
          await c.endAndWaitClosed();
          expect(c.pending).toBe(0);
          expect(await pcr16()).toBe(pcr);
        } finally {
          c.destroy();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('keeps several interleaved connections apart: each gets its own answers, in order', async () => {
    const conn = fc.record({ frames: fc.array(frameArb, { minLength: 1, maxLength: 4 }), points: fc.array(fc.nat(), { maxLength: 6 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(conn, { minLength: 2, maxLength: 4 }), fc.array(fc.nat({ max: 99 }), { maxLength: 40 }), async (conns, picks) => {
        const cs = await Promise.all(conns.map(() => Conn.open(server.port)));
        try {
          // Each connection's frames end with a GetRandom whose length names the connection.
          const plans = conns.map((p, i) => [...p.frames, { kind: 'random', n: 40 + i, bytes: getRandom(40 + i) } as Frame]);
          const queues = plans.map((frames, i) => cut(concatAll(frames.map((f) => f.bytes)), conns[i]!.points).filter((x) => x.length > 0));
          for (let step = 0; queues.some((q) => q.length > 0); step++) {
            const ready = queues.map((q, i) => [q, i] as const).filter(([q]) => q.length > 0);
            const [q, i] = ready[(picks[step] ?? 0) % ready.length]!;
            cs[i]!.socket.write(q.shift()!);
            await sleep(0);
          }
          await Promise.all(cs.map((c, i) => expectAnswers(c, plans[i]!, `connection ${i}`)));
          for (const c of cs) {
            expect(c.pending).toBe(0);
            expect(c.ended).toBe(false);
          }
        } finally {
          for (const c of cs) c.destroy();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('answers random control commands as tpm_ioctl.h defines them, while a data connection sends random frames', async () => {
    type Ctl = { cmd: number; body: Uint8Array };
    const u32 = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    const known = Object.values(CMD).filter((c) => c !== CMD.SHUTDOWN && c !== CMD.HASH_DATA && c !== CMD.SET_STATEBLOB);
    const bodyLength: Record<number, number> = { [CMD.INIT]: 4, [CMD.SET_LOCALITY]: 1, [CMD.RESET_TPMESTABLISHED]: 1, [CMD.SET_BUFFERSIZE]: 4, [CMD.GET_INFO]: 16, [CMD.GET_STATEBLOB]: 12 };
    const ctlArb: fc.Arbitrary<Ctl> = fc.oneof(
      fc.constantFrom(...known).chain((cmd) => fc.uint8Array({ minLength: bodyLength[cmd] ?? 0, maxLength: bodyLength[cmd] ?? 0 }).map((body) => ({ cmd, body }))),
      // SET_LOCALITY with a valid locality more often than 1 in 51.
      fc.integer({ min: 0, max: 5 }).map((l) => ({ cmd: CMD.SET_LOCALITY, body: Uint8Array.of(l) })),
      // Variable-length requests: HASH_DATA (u32 length + data), SET_STATEBLOB (type, flags, length + data).
      fc.uint8Array({ maxLength: 64 }).map((d) => ({ cmd: CMD.HASH_DATA, body: concatAll([u32(d.length), d]) })),
      fc.tuple(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ maxLength: 64 })).map(([h, d]) => ({ cmd: CMD.SET_STATEBLOB, body: concatAll([h, u32(d.length), d]) })),
      fc.integer({ min: 0x13, max: 0xffffffff }).map((cmd) => ({ cmd, body: new Uint8Array(0) })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(ctlArb, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 }), fc.array(frameArb, { maxLength: 6 }), async (ctls, points, frames) => {
        // A known start: powered on (INIT), whatever the last run left.
        expect(toHex(await controlCommand({ host: '127.0.0.1', port: server.controlPort }, CMD.INIT, new Uint8Array(4), 4))).toBe('00000000');
        const ctl = await Conn.open(server.controlPort);
        const data = await Conn.open(server.port);
        try {
          const sending = data.write(frames.map((f) => f.bytes));
          await ctl.write(cut(concatAll(ctls.map((x) => concatAll([u32(x.cmd), x.body]))), points));
          let on = true;
          for (const [i, { cmd, body }] of ctls.entries()) {
            const what = `control command ${i} (0x${cmd.toString(16)})`;
            const res = async (n: number) => toHex(await ctl.bytes(n));
            switch (cmd) {
              case CMD.GET_CAPABILITY:
                expect((await res(8)).slice(0, 8), what).toBe('00000000');
                break;
              case CMD.INIT:
                expect(await res(4), what).toBe('00000000');
                on = true;
                break;
              case CMD.STOP:
                expect(await res(4), what).toBe('00000000');
                on = false;
                break;
              case CMD.GET_TPMESTABLISHED:
                expect(await res(on ? 8 : 4), what).toBe(on ? '0000000000000000' : '0000000a');
                break;
              case CMD.SET_LOCALITY:
              case CMD.RESET_TPMESTABLISHED:
                expect(await res(4), what).toBe(body[0]! <= 4 ? '00000000' : '0000003d');
                break;
              case CMD.GET_CONFIG:
                expect(await res(8), what).toBe('0000000000000000');
                break;
              case CMD.SET_BUFFERSIZE:
                expect((await res(16)).slice(0, 8), what).toBe('00000000');
                break;
              case CMD.GET_INFO: {
                const head = await ctl.bytes(12);
                const v = new DataView(head.buffer);
                expect(v.getUint32(0), what).toBe(0);
                expect(v.getUint32(4), what).toBe(v.getUint32(8));
                const info = await ctl.bytes(v.getUint32(4));
                expect(JSON.parse(new TextDecoder().decode(info.subarray(0, -1))), what).toHaveProperty('TPMSpecification.family', '2.0');
                break;
              }
              default:
                // Not implemented (hashing, state blobs, cancel, store-volatile, data fd) or unknown: TPM_BAD_ORDINAL.
                expect(await res(4), what).toBe('0000000a');
            }
          }
          await sending;
          // The data connection got one well-formed answer per frame (TPM_RC_INITIALIZE while stopped or before Startup).
          for (const [i] of frames.entries()) expectWellFormed(await data.response(), `data frame ${i}`);
          expect(ctl.pending).toBe(0);
          expect(data.pending).toBe(0);
          expect(ctl.ended || data.ended).toBe(false);
        } finally {
          ctl.destroy();
          data.destroy();
        }
      }),
      { numRuns: 50 },
    );
    // A control command cut short by the client's FIN: no answer, the connection closes.
    const c = await Conn.open(server.controlPort);
    await c.write([Uint8Array.of(0, 0, 0, CMD.INIT, 0, 0)]);
    await c.endAndWaitClosed();
    expect(c.pending).toBe(0);
  });

  it('afterwards a normal TpmClient over SwtpmTransport works, with the NV state intact', async () => {
    const t = await SwtpmTransport.connect({ port: server.port, controlPort: server.controlPort });
    try {
      // The fuzzing may have left the TPM stopped or at another locality: power-cycle, as a host would.
      await t.init();
      await t.setLocality(0);
      const client = new TpmClient(t);
      await client.startup();
      expect(toHex((await client.readPublic(PERSISTENT.EK_RSA)).name)).toBe(before.ekName);
      expect(toHex((await client.readPublic(PERSISTENT.AK)).name)).toBe(before.akName);
      const cert = await client.readEkCertificate(EK_CERT_NV.RSA2048);
      expect(toHex(cert)).toBe(before.ekCert);
      expect(new X509Certificate(cert).checkIssued(new X509Certificate(server.ca!.certificate))).toBe(true);
      expect(toHex((await client.nvReadPublic(NV_INDEX)).name)).toBe(before.nvName);
      expect(toHex(await client.nvRead(NV_INDEX, { authorization: { password: NV_AUTH } }))).toBe(toHex(NV_DATA));
      expect((await client.getRandom(16)).length).toBe(16);
      const sel = [pcrSelection(TPM_ALG.SHA256, [16])];
      expect(toHex((await client.pcrRead(sel)).values.get(TPM_ALG.SHA256)!.get(16)!)).toBe('00'.repeat(32));
      await client.pcrExtend(16, [{ hashAlg: TPM_ALG.SHA256, digest: new Uint8Array(32).fill(1) }]);
      expect(toHex((await client.pcrRead(sel)).values.get(TPM_ALG.SHA256)!.get(16)!)).not.toBe('00'.repeat(32));
    } finally {
      await t.close();
    }
  });

  it('CMD_SHUTDOWN (left out above) answers and then stops the server, as it stops swtpm', async () => {
    const s = await startTpmServer({ port: 0 });
    try {
      expect(toHex(await controlCommand({ host: '127.0.0.1', port: s.controlPort }, CMD.SHUTDOWN, new Uint8Array(0), 4))).toBe('00000000');
      await expect(Conn.open(s.port).then((c) => c.until(() => c.closed, 'close'))).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await s.close();
    }
  });
});
