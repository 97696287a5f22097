/**
 * Response parsing on the client side (execute.ts), which decodes the parameters in place and
 * checks password-session response areas without a struct decode:
 *  - real simulator responses decode to what a decode of a private copy of the parameters gives,
 *    and nothing decoded refers to the response buffer (a transport may reuse it);
 *  - hostile responses (bit flips, truncation, extension, random bytes after a valid header) give
 *    a decoded value, a TpmError or a WireError with an offset — never anything else.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ByteReader } from '../../core/bytes.js';
import { WireError } from '../../core/errors.js';
import * as C from '../commands/index.js';
import type { CommandDef } from '../commands/define.js';
import { akTemplate, srkTemplate } from '../manufacture/templates.js';
import { TpmError } from '../rc.js';
import { MemoryNvStore } from '../sim/platform.js';
import { TpmSimulator } from '../sim/simulator.js';
import { TPM_ALG, TPM_RH, TPM_ST } from '../types/constants.js';
import { pcrSelection } from '../types/pcr.js';
import { TpmClient } from './client.js';
import { parseResponse, prepareCommand, type PreparedCommand } from './execute.js';

interface Exchange {
  def: CommandDef<any, any>;
  prepared: PreparedCommand;
  resp: Uint8Array;
}

const exchanges: Exchange[] = [];

beforeAll(async () => {
  const sim = new TpmSimulator({ nv: new MemoryNvStore() });
  sim.powerOn({ locality: 3 });
  await sim.startup();
  sim.setLocality(0);
  const c = new TpmClient(sim.transport());
  const srk = await c.createPrimary(TPM_RH.OWNER, srkTemplate('ecc'));
  const ak = await c.create(srk.handle, akTemplate('ecc'));
  const { handle } = await c.load(srk.handle, ak.outPrivate, ak.outPublic);
  const sel = [pcrSelection(TPM_ALG.SHA256, [0, 1, 7, 16]), pcrSelection(TPM_ALG.SHA1, [16])];
  const calls: [CommandDef<any, any>, unknown, number[]][] = [
    [C.TPM2_PCR_Extend, { digests: [{ hashAlg: TPM_ALG.SHA256, digest: new Uint8Array(32).fill(7) }] }, [16]],
    [C.TPM2_PCR_Read, { pcrSelectionIn: sel }, []],
    [C.TPM2_Quote, { qualifyingData: new Uint8Array(16).fill(1), inScheme: { scheme: TPM_ALG.NULL, hashAlg: TPM_ALG.NULL }, PCRselect: sel }, [handle]],
    [C.TPM2_ReadPublic, {}, [handle]],
    [C.TPM2_GetRandom, { bytesRequested: 16 }, []],
    [C.TPM2_ReadClock, {}, []],
  ];
  for (const [def, params, handles] of calls) {
    const auth = def.handles.filter((h) => h.auth).map(() => ({ password: new Uint8Array(0) }));
    const prepared = prepareCommand(def, handles, [], params, auth);
    exchanges.push({ def, prepared, resp: await sim.execute(prepared.bytes) });
  }
});

/** Decode a response's parameters from a private copy, as the client did before it decoded in place. */
function reference(x: Exchange): unknown {
  const r = new ByteReader(x.resp, { offset: 10 + (x.def.responseHandle ? 4 : 0) });
  let params: Uint8Array;
  if (x.prepared.hasSessions) params = r.read(r.u32be());
  else params = r.read(r.remaining);
  return x.def.response.decode(new ByteReader(params));
}

describe('client response parsing', () => {
  it('decodes real responses as a private copy decodes, and keeps nothing of the response buffer', () => {
    expect(exchanges.length).toBe(6);
    for (const x of exchanges) {
      const resp = x.resp.slice();
      const { out } = parseResponse<Record<string, unknown>>(x.def, x.prepared, resp);
      expect(out).toEqual(reference(x));
      resp.fill(0xa5); // a transport reusing its receive buffer
      expect(out).toEqual(reference(x));
    }
  });

  it('hostile responses give a value, a TpmError or a WireError with an offset', () => {
    const mutation = fc.record({
      index: fc.nat({ max: 5 }),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      extra: fc.uint8Array({ maxLength: 8 }),
      fixSize: fc.boolean(),
      body: fc.option(fc.uint8Array({ maxLength: 80 }), { nil: undefined }),
    });
    let decoded = 0;
    fc.assert(
      fc.property(mutation, (m) => {
        const x = exchanges[m.index]!;
        let resp = x.resp.slice();
        if (m.body) {
          resp = new Uint8Array([...resp.subarray(0, 10), ...m.body]);
          new DataView(resp.buffer).setUint16(0, x.prepared.hasSessions ? TPM_ST.SESSIONS : TPM_ST.NO_SESSIONS);
        }
        for (const [at, v] of m.flips) resp[at % resp.length]! ^= v;
        if (m.cut !== undefined) resp = resp.slice(0, m.cut % (resp.length + 1));
        if (m.extra.length) resp = new Uint8Array([...resp, ...m.extra]);
        if (m.fixSize && resp.length >= 6) new DataView(resp.buffer).setUint32(2, resp.length);
        try {
          parseResponse(x.def, x.prepared, resp);
          decoded++;
        } catch (e) {
          if (e instanceof TpmError) return;
          expect(e).toBeInstanceOf(WireError);
          expect(Number.isInteger((e as WireError).offset)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    expect(decoded).toBeGreaterThan(0);
  });
});
