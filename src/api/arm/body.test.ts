import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Body } from './body.js';

describe('Body (ARM request members, read as Json.NET reads them)', () => {
  it('matches a member by its exact name first, then case-insensitively', () => {
    const b = Body.root({ securityProfile: { enableVtpm: true, ENABLESECUREBOOT: 'true' }, count: 2, Count: 9 });
    expect(b.int('count')).toBe(2);
    const sec = b.obj('securityProfile')!;
    expect([sec.bool('enableVTPM'), sec.bool('enableSecureBoot')]).toEqual([true, true]);
    expect(b.obj('SecurityProfile')?.bool('enableVTPM')).toBe(true);
  });

  it('treats null and absent alike, never reads inherited properties, and echoes back only unknown members', () => {
    const b = Body.root({ count: null, tags: { a: 'b' }, Bogus: 1, enablefips: false });
    expect(b.int('count')).toBeUndefined();
    expect(b.raw('constructor')).toBeUndefined();
    expect(b.raw('toString')).toBeUndefined();
    expect(b.rest(new Set(['count', 'tags', 'enableFIPS']))).toEqual({ Bogus: 1 });
  });

  it('a member read under any casing of its name gives the same value', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), fc.integer(), (upper, n) => {
        const name = 'enableVTPMx'.slice(0, 10).split('').map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join('');
        const b = Body.root({ [name]: n });
        expect(b.raw('enableVTPM')).toBe(n);
        expect(b.rest(new Set(['enableVTPM']))).toEqual({});
      }),
    );
  });
});
