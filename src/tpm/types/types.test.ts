import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, toHex } from '../../core/bytes.js';
import { WireError } from '../../core/errors.js';
import { TPM2_GetCapability } from '../commands/get-capability.js';
import { akTemplate, ekTemplateEcc, ekTemplateRsa } from '../manufacture/templates.js';
import { MemoryNvStore } from '../sim/platform.js';
import { TpmSimulator } from '../sim/simulator.js';
import { parseTpmsAttest, TPMS_ATTEST } from './attest.js';
import { marshalQuoteAttest } from './attest-quote.js';
import { TPMS_CAPABILITY_DATA } from './capability.js';
import { type Codec, marshal, TpmWireError, unmarshal } from './codec.js';
import { TPM_CAP, TPM_GENERATED_VALUE, TPM_PT, TPM_ST } from './constants.js';
import { TPMS_CONTEXT } from './context.js';
import { TPMS_CREATION_DATA } from './creation.js';
import { TPM2B_NV_PUBLIC } from './nv.js';
import { TPML_PCR_SELECTION } from './pcr.js';
import { parseTpmtPublic, TPM2B_PUBLIC, TPMT_PUBLIC } from './public.js';
import { TPMT_SENSITIVE } from './sensitive.js';
import { TPMT_SIGNATURE } from './signature.js';

const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, '../testdata', name)));

describe('TPM 2.0 structures', () => {
  it('marshals the TCG RSA EK template exactly as tpm2-tools stores it (ek-template-default.bin)', () => {
    const bytes = fixture('ek-template-default.bin');
    expect(toHex(marshal(TPMT_PUBLIC, ekTemplateRsa()))).toBe(toHex(bytes));
    const parsed = parseTpmtPublic(bytes);
    expect(parsed.objectAttributes).toBe(0x000300b2);
    expect(toHex(parsed.raw!)).toBe(toHex(bytes));
  });

  it('decodes tpm2-tools GetCapability(TPM_PROPERTIES) command and the simulator answers it', async () => {
    const cmd = fixture('get-capability-tpm-prop-fixed.bin');
    const r = new ByteReader(cmd);
    expect(r.u16be()).toBe(0x8001);
    expect(r.u32be()).toBe(cmd.length);
    expect(r.u32be()).toBe(TPM2_GetCapability.code);
    const p = TPM2_GetCapability.params.decode(r);
    expect(p).toEqual({ capability: TPM_CAP.TPM_PROPERTIES, property: TPM_PT.FAMILY_INDICATOR, propertyCount: 127 });
    const sim = new TpmSimulator({ nv: new MemoryNvStore() });
    sim.powerOn();
    await sim.startup();
    const resp = await sim.execute(cmd);
    const rr = new ByteReader(resp);
    rr.skip(10);
    const out = TPM2_GetCapability.response.decode(rr);
    expect(out.capabilityData.capability).toBe(TPM_CAP.TPM_PROPERTIES);
    const props = new Map((out.capabilityData.data as { property: number; value: number }[]).map((x) => [x.property, x.value]));
    expect(props.get(TPM_PT.FAMILY_INDICATOR)).toBe(0x322e3000);
    expect(props.get(TPM_PT.MANUFACTURER)).toBe(0x4d534654); // "MSFT"
  });

  it('round-trips templates and keeps the exact bytes of TPM2B_PUBLIC', () => {
    for (const t of [ekTemplateRsa(), ekTemplateEcc(), akTemplate('rsa'), akTemplate('ecc')]) {
      const b = marshal(TPM2B_PUBLIC, t);
      const back = unmarshal(TPM2B_PUBLIC, b);
      expect(toHex(marshal(TPM2B_PUBLIC, back))).toBe(toHex(b));
      expect(toHex(back.raw!)).toBe(toHex(b.subarray(2)));
    }
  });

  it('rejects what the specification forbids with the TPM response code', () => {
    const t = marshal(TPMT_PUBLIC, ekTemplateRsa());
    const badType = t.slice();
    badType[1] = 0x77;
    expect(() => unmarshal(TPMT_PUBLIC, badType)).toThrow(TpmWireError);
    try {
      unmarshal(TPMT_PUBLIC, badType);
    } catch (e) {
      expect((e as TpmWireError).rc).toBe(0x08a); // TPM_RC_TYPE
      expect((e as TpmWireError).offset).toBe(0);
    }
    const badSel = new Uint8Array([0, 0, 0, 1, 0, 0x0b, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => unmarshal(TPML_PCR_SELECTION, badSel)).toThrow(/sizeofSelect 9/);
  });

  const codecs: [string, Codec<unknown>][] = [
    ['TPMT_PUBLIC', TPMT_PUBLIC as Codec<unknown>],
    ['TPMS_ATTEST', TPMS_ATTEST as Codec<unknown>],
    ['TPMT_SIGNATURE', TPMT_SIGNATURE as Codec<unknown>],
    ['TPMS_CAPABILITY_DATA', TPMS_CAPABILITY_DATA as Codec<unknown>],
    ['TPMS_CONTEXT', TPMS_CONTEXT as Codec<unknown>],
    ['TPMS_CREATION_DATA', TPMS_CREATION_DATA as Codec<unknown>],
    ['TPM2B_NV_PUBLIC', TPM2B_NV_PUBLIC as Codec<unknown>],
    ['TPMT_SENSITIVE', TPMT_SENSITIVE as Codec<unknown>],
  ];
  for (const [name, codec] of codecs) {
    it(`${name}: random and mutated bytes give a WireError with an offset, never anything else`, () => {
      const seed = name === 'TPMT_PUBLIC' ? marshal(TPMT_PUBLIC, ekTemplateEcc()) : new Uint8Array(40);
      fc.assert(
        fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 6 }).map((f) => {
          const b = seed.slice();
          for (const [i, v] of f) b[i % b.length] = v;
          return b;
        })), (bytes) => {
          try {
            unmarshal(codec, bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(WireError);
            expect((e as WireError).offset).toBeGreaterThanOrEqual(0);
            expect((e as WireError).offset).toBeLessThanOrEqual(bytes.length);
          }
        }),
        { numRuns: 400 },
      );
    });
  }
});

describe('TPMS_ATTEST of a quote, marshalled in place (attest-quote.ts)', () => {
  const bytes = (max: number) => fc.uint8Array({ maxLength: max });
  const u64 = fc.bigInt({ min: 0n, max: 0xffffffffffffffffn });
  const BANKS = [0x0004, 0x000b, 0x000c, 0x000d];
  const value = fc.record({
    magic: fc.constantFrom(TPM_GENERATED_VALUE, 0, 0xffffffff),
    qualifiedSigner: bytes(66),
    extraData: bytes(66),
    clockInfo: fc.record({ clock: u64, resetCount: fc.nat({ max: 0xffffffff }), restartCount: fc.nat({ max: 0xffffffff }), safe: fc.boolean() }),
    firmwareVersion: u64,
    pcrSelect: fc.array(fc.record({ hash: fc.oneof(fc.constantFrom(...BANKS), fc.nat({ max: 0xffff })), pcrSelect: fc.uint8Array({ minLength: 3, maxLength: 3 }) }), { maxLength: 16 }),
    pcrDigest: bytes(64),
  });

  it('writes exactly the bytes of TPMS_ATTEST.encode, and those parse back', () => {
    fc.assert(
      fc.property(value, (v) => {
        const fast = marshalQuoteAttest(v)!;
        const attest = { ...v, type: TPM_ST.ATTEST_QUOTE, attested: { pcrSelect: v.pcrSelect, pcrDigest: v.pcrDigest } } as const;
        expect(toHex(fast)).toBe(toHex(marshal(TPMS_ATTEST, attest)));
        if (v.pcrSelect.every((s) => BANKS.includes(s.hash))) expect(toHex(parseTpmsAttest(fast).raw!)).toBe(toHex(fast));
      }),
      { numRuns: 300 },
    );
  });

  it('never overwrites bytes it handed out (they may be signed later, in the libuv pool)', () => {
    const kept = fc.sample(value, 200).map((v) => ({ v, bytes: marshalQuoteAttest(v)! }));
    for (const { v, bytes } of kept) {
      expect(toHex(bytes)).toBe(toHex(marshal(TPMS_ATTEST, { ...v, type: TPM_ST.ATTEST_QUOTE, attested: { pcrSelect: v.pcrSelect, pcrDigest: v.pcrDigest } })));
    }
  });

  it('leaves to the codec what it would refuse (oversized buffers, too many banks) and wraps integers as the codec does', () => {
    const ok = { magic: TPM_GENERATED_VALUE, qualifiedSigner: new Uint8Array(34), extraData: new Uint8Array(16), clockInfo: { clock: 1n, resetCount: 0, restartCount: 0, safe: true }, firmwareVersion: 0n, pcrSelect: [], pcrDigest: new Uint8Array(32) };
    expect(marshalQuoteAttest(ok)).toBeDefined();
    expect(marshalQuoteAttest({ ...ok, extraData: new Uint8Array(67) })).toBeUndefined();
    expect(marshalQuoteAttest({ ...ok, qualifiedSigner: new Uint8Array(67) })).toBeUndefined();
    expect(marshalQuoteAttest({ ...ok, pcrDigest: new Uint8Array(65) })).toBeUndefined();
    expect(marshalQuoteAttest({ ...ok, pcrSelect: Array.from({ length: 17 }, () => ({ hash: 11, pcrSelect: new Uint8Array(3) })) })).toBeUndefined();
    for (const odd of [{ ...ok, firmwareVersion: (1n << 64n) + 5n }, { ...ok, clockInfo: { ...ok.clockInfo, clock: -1n, resetCount: -2 } }, { ...ok, magic: 2 ** 32 + 7 }]) {
      expect(toHex(marshalQuoteAttest(odd)!)).toBe(toHex(marshal(TPMS_ATTEST, { ...odd, type: TPM_ST.ATTEST_QUOTE, attested: { pcrSelect: [], pcrDigest: odd.pcrDigest } })));
    }
  });
});
