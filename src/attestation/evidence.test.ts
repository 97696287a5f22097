/**
 * The evidence wire form: round trip, strict field checks with the field's path, and a
 * fast-check property that no JSON value makes the parser fail with anything but EvidenceError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeEvidence, EvidenceError, parseEvidence, type UntrustedEvidence } from './evidence.js';

const bytes = (n: number, v = 1) => new Uint8Array(n).fill(v);
const sample: UntrustedEvidence = {
  nonce: bytes(32, 2),
  ekPublic: bytes(90, 3),
  ekCertificate: bytes(500, 4),
  akPublic: bytes(88, 5),
  akCertificate: bytes(480, 6),
  quote: bytes(129, 7),
  signature: bytes(72, 8),
  pcrs: [{ index: 0, digest: bytes(32, 9) }, { index: 7, digest: bytes(32, 10) }],
  tcgLog: bytes(1000, 11),
  imaLog: bytes(100, 12),
  os: { type: 'Linux', distro: 'Ubuntu', versionMajor: 22, versionMinor: 4, build: 'NotApplication' },
  vmId: '00000000-0000-4000-8000-000000000001',
};

describe('parseEvidence', () => {
  it('round-trips the JSON wire form', () => {
    const wire = JSON.parse(JSON.stringify(encodeEvidence(sample)));
    expect(wire.quote).toBe(Buffer.from(sample.quote).toString('base64url'));
    expect(wire.pcrs[1]).toEqual({ index: 7, digest: '0a'.repeat(32) });
    expect(parseEvidence(wire)).toEqual(sample);
  });

  it('refuses what it does not understand, naming the field', () => {
    const wire = encodeEvidence(sample);
    const bad = (patch: Record<string, unknown>) => () => parseEvidence({ ...wire, ...patch });
    expect(bad({ quote: undefined })).toThrow(new EvidenceError('quote', 'is required'));
    expect(bad({ quote: 'not base64url!' })).toThrow('quote: is not base64url');
    expect(bad({ extra: 1 })).toThrow('extra: unknown field');
    expect(bad({ pcrs: [{ index: 0, digest: 'ab' }] })).toThrow('pcrs[0].digest: must be 64 hex digits');
    expect(bad({ pcrs: [{ index: 24, digest: '00'.repeat(32) }] })).toThrow('pcrs[0].index: must be an integer 0-23');
    expect(bad({ pcrs: [{ index: 1, digest: '00'.repeat(32) }, { index: 1, digest: '00'.repeat(32) }] })).toThrow('pcrs[1].index: PCR 1 is listed twice');
    expect(bad({ os: { type: 'Linux', kernel: 'x' } })).toThrow('os.kernel: unknown field');
    expect(() => parseEvidence([])).toThrow('evidence: must be an object');
  });

  it('fails only with EvidenceError, for any JSON value and any mutation of valid evidence', () => {
    const wire = encodeEvidence(sample);
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ key: fc.constantFrom(...Object.keys(wire), 'x'), value: fc.jsonValue() }).map(({ key, value }) => ({ ...wire, [key]: value }))), (v) => {
        try {
          parseEvidence(v);
        } catch (e) {
          expect(e).toBeInstanceOf(EvidenceError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
