/**
 * The verifier reads untrusted bytes in every field. fast-check mutates real evidence — bit
 * flips, truncations, extensions, fields swapped between fields — and the verifier must always
 * answer with a verdict (never throw, never hang); a change to any signed or certified byte must
 * make it Unhealthy.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UntrustedEvidence } from './evidence.js';
import { attestationFixture, type Fixture } from './test-support/fixture.js';

let f: Fixture;
let good: UntrustedEvidence;

const FIELDS = ['ekPublic', 'ekCertificate', 'akPublic', 'akCertificate', 'quote', 'signature', 'tcgLog', 'imaLog'] as const;
/** Fields whose every byte is signed or certified (a change must be caught). */
const SIGNED = new Set(['quote', 'signature', 'ekCertificate', 'akCertificate', 'akPublic']);

beforeAll(async () => {
  f = await attestationFixture();
  good = await f.evidence(await f.node('fuzz'));
}, 60_000);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 512 }) }),
);

type Mutation = { kind: 'flip'; at: number; bit: number } | { kind: 'truncate'; at: number } | { kind: 'append'; extra: Uint8Array } | { kind: 'random'; bytes: Uint8Array };

function mutate(b: Uint8Array, m: Mutation): Uint8Array {
  switch (m.kind) {
    case 'flip': {
      if (b.length === 0) return new Uint8Array([1]);
      const c = b.slice();
      c[m.at % b.length]! ^= 1 << m.bit;
      return c;
    }
    case 'truncate':
      return b.subarray(0, b.length ? m.at % b.length : 0);
    case 'append':
      return new Uint8Array([...b, ...m.extra]);
    case 'random':
      return m.bytes;
  }
}

describe('verify on mutated evidence', () => {
  it('always returns a verdict; a changed signed or certified byte is always Unhealthy', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), mutation, (field, m) => {
        const changed = mutate(good[field]!, m);
        const e = { ...good, [field]: changed };
        const r = f.check(e, { nonce: { state: 'fresh', value: good.nonce! } });
        expect(['Healthy', 'Unhealthy']).toContain(r.verdict);
        if (SIGNED.has(field) && !Buffer.from(changed).equals(Buffer.from(good[field]!))) expect(r.verdict).toBe('Unhealthy');
      }),
      { numRuns: 400 },
    );
  });

  it('PCR values: any change to a reported value is caught by the quoted digest', () => {
    fc.assert(
      fc.property(fc.nat({ max: good.pcrs!.length - 1 }), fc.nat({ max: 31 }), fc.integer({ min: 1, max: 255 }), (i, at, x) => {
        const pcrs = good.pcrs!.map((p, k) => (k === i ? { ...p, digest: p.digest.map((v, j) => (j === at ? v ^ x : v)) } : p));
        const r = f.check({ ...good, pcrs }, { nonce: { state: 'fresh', value: good.nonce! } });
        expect(r.findings.map((y) => y.id)).toEqual(['quote.pcr_digest_mismatch']);
      }),
      { numRuns: 100 },
    );
  });
});
