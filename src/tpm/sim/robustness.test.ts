/**
 * Malformed or hostile command bytes always produce a TPM response — never an exception across
 * the transport, never an internal failure, never corrupted persistent state (property tests
 * with fast-check on random commands and on mutations of a recorded, valid command corpus).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes.js';
import { hash } from '../../core/hash.js';
import { TpmClient } from '../client/client.js';
import { createVtpmCa } from '../manufacture/ca.js';
import { manufactureVtpm } from '../manufacture/manufacture.js';
import { akTemplate, EK_CERT_NV, PERSISTENT } from '../manufacture/templates.js';
import { TPM_ALG, TPM_RH, TPM_SE, TPMA_SESSION } from '../types/constants.js';
import { pcrSelection } from '../types/pcr.js';
import { SYM_AES_128_CFB } from '../types/schemes.js';
import { MemoryNvStore } from './platform.js';
import { TpmSimulator } from './simulator.js';

let sim: TpmSimulator;
let store: MemoryNvStore;
const corpus: Uint8Array[] = [];
const failures: unknown[] = [];

/** Record the commands of a realistic session (policy, HMAC and encrypted sessions, NV, quotes). */
async function recordCorpus(client: TpmClient): Promise<void> {
  await client.getProperties();
  await client.pcrRead([pcrSelection(TPM_ALG.SHA256, [0, 1, 2, 3, 4, 5, 6, 7])]);
  await client.pcrExtend(16, [{ hashAlg: TPM_ALG.SHA256, digest: hash(TPM_ALG.SHA256, new Uint8Array([1])) }]);
  await client.pcrEvent(23, new Uint8Array([1, 2, 3]));
  const ek = await client.createPrimary(TPM_RH.ENDORSEMENT, (await client.readPublic(PERSISTENT.EK_ECC)).public);
  const ak = await client.create(ek.handle, akTemplate('ecc'), { authorization: { session: await client.ekPolicySession() } });
  const loaded = await client.load(ek.handle, ak.outPrivate, ak.outPublic, { session: await client.ekPolicySession() });
  await client.quote(loaded.handle, new Uint8Array(16), [pcrSelection(TPM_ALG.SHA256, [0, 7, 16])]);
  await client.certify(loaded.handle, loaded.handle, new Uint8Array(8));
  const ctx = await client.contextSave(loaded.handle);
  await client.flushContext(loaded.handle);
  await client.flushContext(await client.contextLoad(ctx));
  const s = await client.startAuthSession({
    type: TPM_SE.HMAC,
    tpmKey: { handle: ek.handle, public: ek.outPublic },
    symmetric: SYM_AES_128_CFB,
    attributes: TPMA_SESSION.continueSession | TPMA_SESSION.decrypt | TPMA_SESSION.encrypt,
  });
  await client.readEkCertificate(EK_CERT_NV.ECC_P256).catch(() => undefined);
  await client.nvRead(EK_CERT_NV.ECC_P256, { authHandle: TPM_RH.OWNER, authorization: { session: s }, size: 64 });
  await client.flushSession(s);
  await client.flushContext(ek.handle);
  await client.hash(new Uint8Array(100), TPM_ALG.SHA256);
  await client.getRandom(32);
}

beforeAll(async () => {
  const m = await manufactureVtpm({ ca: createVtpmCa(), ekTypes: ['ecc'], ak: 'ecc' });
  store = new MemoryNvStore(m.state);
  sim = new TpmSimulator({ nv: store }, { log: (e) => e.error !== undefined && failures.push(e.error) });
  sim.powerOn({ locality: 3 });
  await sim.startup();
  sim.setLocality(0);
  const recorder = { send: (c: Uint8Array) => (corpus.push(c.slice()), sim.execute(c)) };
  await recordCorpus(new TpmClient(recorder));
});

function wellFormed(resp: Uint8Array): void {
  expect(resp.length).toBeGreaterThanOrEqual(10);
  const dv = new DataView(resp.buffer, resp.byteOffset);
  expect(dv.getUint32(2)).toBe(resp.length);
  expect([0x8001, 0x8002, 0x00c4]).toContain(dv.getUint16(0));
  if (dv.getUint32(6) !== 0) expect(resp.length).toBe(10);
}

async function flushAll(): Promise<void> {
  const c = new TpmClient(sim.transport());
  for (const range of [0x80000000, 0x02000000, 0x03000000]) for (const h of await c.getHandles(range)) await c.flushContext(h);
}

describe('the simulator never fails on hostile commands', () => {
  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        wellFormed(await sim.execute(bytes));
      }),
      { numRuns: 1500 },
    );
  });

  it('random bodies behind a valid header for every implemented command', async () => {
    const codes = (await new TpmClient(sim.transport()).getCapability(2, 0, 200)).data.data as number[];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...codes.map((a) => a & 0xffff)), fc.boolean(), fc.uint8Array({ maxLength: 300 }), async (cc, sessions, body) => {
        const cmd = new Uint8Array(10 + body.length);
        const dv = new DataView(cmd.buffer);
        dv.setUint16(0, sessions ? 0x8002 : 0x8001);
        dv.setUint32(2, cmd.length);
        dv.setUint32(6, cc);
        cmd.set(body, 10);
        wellFormed(await sim.execute(cmd));
      }),
      { numRuns: 2000 },
    );
    await flushAll();
  });

  it('mutations of valid commands (bit flips, truncation, extension, spliced fields)', async () => {
    expect(corpus.length).toBeGreaterThan(20);
    const mutation = fc.record({
      index: fc.nat({ max: corpus.length - 1 }),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      extra: fc.uint8Array({ maxLength: 8 }),
      fixSize: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        let cmd = corpus[m.index]!.slice();
        for (const [at, x] of m.flips) cmd[at % cmd.length]! ^= x;
        if (m.cut !== undefined) cmd = cmd.slice(0, m.cut % (cmd.length + 1));
        if (m.extra.length) cmd = new Uint8Array([...cmd, ...m.extra]);
        if (m.fixSize && cmd.length >= 6) new DataView(cmd.buffer).setUint32(2, cmd.length);
        wellFormed(await sim.execute(cmd));
      }),
      { numRuns: 3000 },
    );
    await flushAll();
  });

  it('raised no internal error, and the stored state still loads with the same EK', async () => {
    expect(failures).toEqual([]);
    const before = toHex((await new TpmClient(sim.transport()).readPublic(PERSISTENT.EK_ECC)).name);
    sim.powerOff();
    sim.powerOn();
    await sim.startup();
    const c = new TpmClient(sim.transport());
    expect(toHex((await c.readPublic(PERSISTENT.EK_ECC)).name)).toBe(before);
    expect((await c.readEkCertificate(EK_CERT_NV.ECC_P256)).length).toBeGreaterThan(100);
  });
});
