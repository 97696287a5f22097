import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCpu, formatMemoryKi, parseMilli, parseValue, QuantityError } from './quantity.js';

describe('resource quantities', () => {
  it('reads CPU and memory as resource.Quantity does (rounding up)', () => {
    expect(parseMilli('100m')).toBe(100);
    expect(parseMilli('1.5')).toBe(1500);
    expect(parseMilli('2')).toBe(2000);
    expect(parseMilli('0.1')).toBe(100);
    expect(parseMilli('1n')).toBe(1);
    expect(parseMilli(3)).toBe(3000);
    expect(parseValue('128Mi')).toBe(128 * 1024 * 1024);
    expect(parseValue('1G')).toBe(1e9);
    expect(parseValue('1e3')).toBe(1000);
    expect(parseValue('4001780Ki')).toBe(4001780 * 1024);
    expect(parseValue('.5Gi')).toBe(536870912);
    expect(formatCpu(1900)).toBe('1900m');
    expect(formatCpu(2000)).toBe('2');
    expect(formatMemoryKi(8 * 1024 ** 3)).toBe('8388608Ki');
  });

  it('refuses malformed quantities with a QuantityError and nothing else', () => {
    for (const bad of ['', 'lots', '1.2.3', '5Q', '1e', '--1', '1e99']) expect(() => parseMilli(bad), bad).toThrow(QuantityError);
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        try {
          expect(Number.isSafeInteger(parseMilli(s))).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(QuantityError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
