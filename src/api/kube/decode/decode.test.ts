import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KubeError } from '../../../platform/kube/errors.js';
import { decodeObject, parseFieldValidation } from './decode.js';
import { POD } from './schema.js';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const pod = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx' }], ...spec }, ...extra });
const errorOf = (f: () => unknown): KubeError => {
  try {
    f();
  } catch (e) {
    if (e instanceof KubeError) return e;
    throw e;
  }
  throw new Error('expected a KubeError');
};

describe('decoding request bodies as the API server does', () => {
  it("refuses the document's unquoted `true` with Go's message and says to quote it", () => {
    const e = errorOf(() => decodeObject(enc(pod({ nodeSelector: { 'kubernetes.azure.com/secure-boot': true } })), 'Pod', 'v1', POD, 'Strict'));
    expect(e.reason).toBe('BadRequest');
    expect(e.message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal bool into Go struct field PodSpec.spec.nodeSelector of type string (YAML reads an unquoted true as a boolean: quote it, e.g. "true", so that it stays a string)',
    );
  });

  it('words other type errors with the innermost Go struct and the full field path', () => {
    const port = errorOf(() => decodeObject(enc(pod({ containers: [{ name: 'w', image: 'x', ports: [{ containerPort: '80' }] }] })), 'Pod', 'v1', POD, 'Strict'));
    expect(port.message).toBe('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32');
    const frac = errorOf(() => decodeObject(enc(pod({ priority: 1.5 })), 'Pod', 'v1', POD, 'Strict'));
    expect(frac.message).toBe('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.priority of type int32');
    const list = errorOf(() => decodeObject(enc(pod({ containers: { name: 'x' } })), 'Pod', 'v1', POD, 'Ignore'));
    expect(list.message).toBe('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container');
    const q = errorOf(() => decodeObject(enc(pod({ containers: [{ name: 'w', image: 'x', resources: { requests: { cpu: 'lots' } } }] })), 'Pod', 'v1', POD, 'Strict'));
    expect(q.message).toBe("Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });

  it('handles unknown and duplicate fields per fieldValidation', () => {
    const body = enc('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","name":"b"},"spec":{"containers":[{"name":"w","image":"x","imagePulPolicy":"Always"}],"bogus":1}}');
    expect(errorOf(() => decodeObject(body, 'Pod', 'v1', POD, 'Strict')).message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePulPolicy", unknown field "spec.bogus", duplicate field "metadata.name"',
    );
    const warned = decodeObject<{ spec: Record<string, unknown> }>(body, 'Pod', 'v1', POD, 'Warn');
    expect(warned.warnings).toEqual(['unknown field "spec.containers[0].imagePulPolicy"', 'unknown field "spec.bogus"', 'duplicate field "metadata.name"']);
    expect(warned.obj.spec.bogus).toBeUndefined();
    expect(decodeObject(body, 'Pod', 'v1', POD, 'Ignore').warnings).toEqual([]);
    expect(() => parseFieldValidation('Sloppy')).toThrow(/fieldValidation parameter unsupported/);
    expect(parseFieldValidation(null)).toBe('Warn');
  });

  it('refuses another kind or API version, and drops nulls as Go zero values', () => {
    expect(errorOf(() => decodeObject(enc({ apiVersion: 'apps/v1', kind: 'Deployment' }), 'Pod', 'v1', POD, 'Strict')).message).toBe('the API version in the data (apps/v1) does not match the expected API version (v1)');
    expect(errorOf(() => decodeObject(enc({ apiVersion: 'v1', kind: 'Node' }), 'Pod', 'v1', POD, 'Strict')).message).toBe('Pod in version "v1" cannot be handled as a Pod: the kind in the data (Node) does not match the expected kind (Pod)');
    expect(errorOf(() => decodeObject(enc('[1]'), 'Pod', 'v1', POD, 'Strict')).message).toBe('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go value of type v1.Pod');
    expect(decodeObject<{ spec: Record<string, unknown> }>(enc(pod({ nodeName: null })), 'Pod', 'v1', POD, 'Strict').obj.spec).not.toHaveProperty('nodeName');
  });

  it('answers any body with a decoded object or a 400, never anything else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Pod'), metadata: fc.jsonValue(), spec: fc.jsonValue() })), (v) => {
        try {
          decodeObject(enc(v), 'Pod', 'v1', POD, 'Strict');
        } catch (e) {
          expect(e).toBeInstanceOf(KubeError);
          expect((e as KubeError).reason).toBe('BadRequest');
        }
      }),
      { numRuns: 1000 },
    );
  });
});
