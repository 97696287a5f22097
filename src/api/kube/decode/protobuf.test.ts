import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WireError } from '../../../core/errors.js';
import { parseProtobufObject } from './protobuf.js';

// A minimal protobuf encoder for the test (length-delimited fields only, as these messages use).
const varint = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const field = (n: number, bytes: number[] | string): number[] => {
  const b = typeof bytes === 'string' ? [...new TextEncoder().encode(bytes)] : bytes;
  return [...varint((n << 3) | 2), ...varint(b.length), ...b];
};
const entry = (k: string, v: string) => [...field(1, k), ...field(2, v)];

/** What `kubectl create namespace team --labels` style clients send. */
function namespaceBody(): Uint8Array {
  const meta = [...field(1, 'team'), ...field(11, entry('owner', 'payments')), ...field(12, entry('note', 'x'))];
  const ns = [...field(1, meta), ...field(2, field(1, 'kubernetes'))];
  const unknown = [...field(1, [...field(1, 'v1'), ...field(2, 'Namespace')]), ...field(2, ns), ...field(3, ''), ...field(4, '')];
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...unknown]);
}

describe('Kubernetes protobuf bodies', () => {
  it('reads a Namespace as kubectl create namespace sends it', () => {
    expect(parseProtobufObject(namespaceBody())).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels: { owner: 'payments' }, annotations: { note: 'x' } }, spec: { finalizers: ['kubernetes'] } },
    });
  });

  it('names the kind it does not read, and refuses bodies without the k8s\\0 prefix', () => {
    const secret = Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...field(1, [...field(1, 'v1'), ...field(2, 'Secret')])]);
    expect(parseProtobufObject(secret)).toEqual({ apiVersion: 'v1', kind: 'Secret', object: undefined });
    expect(() => parseProtobufObject(new TextEncoder().encode('{"kind":"Namespace"}'))).toThrow(WireError);
  });

  it('never fails with anything but WireError on truncated, mutated or random bytes', () => {
    const good = namespaceBody();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...b])),
          fc.nat(good.length).map((n) => good.slice(0, n)),
          fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
            const c = good.slice();
            c[i] = v;
            return c;
          }),
        ),
        (b) => {
          try {
            parseProtobufObject(b);
          } catch (e) {
            expect(e).toBeInstanceOf(WireError);
            expect((e as WireError).offset).toBeLessThanOrEqual(b.length);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
