import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, concat, fromHex, toHex } from './bytes.js';
import { WireError } from './errors.js';

describe('ByteReader', () => {
  it('reads both byte orders and tracks offsets', () => {
    const r = new ByteReader(fromHex('0102 0304 05060708 1122334455667788'));
    expect(r.u16be()).toBe(0x0102);
    expect(r.u16le()).toBe(0x0403);
    expect(r.u32be()).toBe(0x05060708);
    expect(r.u64le()).toBe(0x8877665544332211n);
    expect(r.atEnd).toBe(true);
  });

  it('throws a WireError with the absolute offset and the structure path when truncated', () => {
    const r = new ByteReader(fromHex('00000005aabb'));
    r.within('TPM2B_DIGEST', () => {
      const n = r.u32be();
      const e = (() => {
        try {
          r.bytesView(n, 'buffer');
        } catch (err) {
          return err;
        }
      })() as WireError;
      expect(e).toBeInstanceOf(WireError);
      expect(e.offset).toBe(4);
      expect(e.typePath).toBe('TPM2B_DIGEST');
      expect(e.message).toMatch(/truncated: buffer needs 5 bytes, 2 left/);
    });
  });

  it('sub-readers keep absolute offsets and cannot read past their window', () => {
    const r = new ByteReader(fromHex('aabbccddeeff'));
    r.skip(1);
    const s = r.sub(2, 'inner');
    expect(s.u8()).toBe(0xbb);
    expect(s.offset).toBe(2);
    s.u8();
    expect(() => s.u8()).toThrow(/inner: truncated/);
    expect(r.u8()).toBe(0xdd);
  });

  it('never throws anything but WireError on random input (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 20 }), (bytes, ops) => {
        const r = new ByteReader(bytes);
        try {
          for (const op of ops) {
            [() => r.u8(), () => r.u16be(), () => r.u32le(), () => r.u64be(), () => r.bytesView(r.u8()), () => r.sub(3).u16le()][op]!();
          }
        } catch (e) {
          expect(e).toBeInstanceOf(WireError);
        }
      }),
    );
  });
});

describe('ByteWriter', () => {
  it('round-trips through ByteReader and grows as needed', () => {
    const w = new ByteWriter(2);
    w.u8(1).u16be(0x0203).u32le(0x07060504).u64be(0x08090a0b0c0d0e0fn).bytes(fromHex('ff')).zeros(2);
    const out = w.finish();
    expect(toHex(out)).toBe('0102030405060708090a0b0c0d0e0fff0000');
    expect(toHex(concat(out.subarray(0, 1), fromHex('aa')))).toBe('01aa');
  });
});
