/**
 * pack/unpack (wire.ts): any plain structure of byte arrays — views into larger buffers
 * included — comes back with the same bytes in the same places after a structured clone that
 * transfers the packed buffer, and the sender's arrays are left as they were.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pack, unpack } from './wire.js';

/** Byte arrays as they arrive from the TPM client and the Store: whole, empty, or views into a larger buffer. */
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 96 }), fc.nat(), fc.nat()).map(([b, x, y]) => {
    const start = x % b.length;
    return b.subarray(start, start + (y % (b.length - start + 1)));
  }),
);

const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, bytes, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 4 })),
})).node;

/** Plain data with byte arrays turned into number arrays: what "the same bytes in the same places" means. */
const plain = (v: unknown): unknown =>
  v instanceof Uint8Array ? { bytes: [...v] } : Array.isArray(v) ? v.map(plain) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;

describe('wire pack/unpack', () => {
  it('round-trips through a transferring structured clone', () => {
    fc.assert(
      fc.property(value, (v) => {
        const before = plain(v);
        const p = pack(v);
        const { value: shape, buffer } = structuredClone({ value: p.value, buffer: p.buffer }, { transfer: [p.buffer] });
        expect(plain(unpack(shape, buffer))).toEqual(before);
        expect(plain(v)).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('copies each array once into one buffer of exactly their total size', () => {
    const big = new Uint8Array(8192).fill(1);
    const evidence = { quote: big.subarray(100, 245), pcrs: [{ index: 0, digest: big.subarray(300, 332) }], tcgLog: new Uint8Array(10), vmId: 'x' };
    const p = pack(evidence);
    expect(p.buffer.byteLength).toBe(145 + 32 + 10);
    const back = unpack(p.value, p.buffer);
    expect(back.pcrs[0]!.digest).toEqual(big.subarray(300, 332));
    expect(back.vmId).toBe('x');
  });
});
