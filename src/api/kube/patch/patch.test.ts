import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyJsonPatch, JsonPatchError } from './json-patch.js';
import { mergePatch } from './merge-patch.js';
import { applyStrategicMergePatch, StrategicPatchError } from './strategic-merge-patch.js';

describe('JSON Merge Patch (RFC 7386 appendix A)', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(cases)('%j + %j', (target, patch, result) => expect(mergePatch(target, patch)).toEqual(result));
});

describe('JSON Patch (RFC 6902 appendix A)', () => {
  it('applies add, remove, replace, move, copy and test', () => {
    expect(applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }])).toEqual({ foo: 'bar', baz: 'qux' });
    expect(applyJsonPatch({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }])).toEqual({ foo: ['bar', 'qux', 'baz'] });
    expect(applyJsonPatch({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc'] }])).toEqual({ foo: ['bar', ['abc']] });
    expect(applyJsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }])).toEqual({ foo: 'bar' });
    expect(applyJsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }])).toEqual({ baz: 'boo', foo: 'bar' });
    expect(applyJsonPatch({ foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }])).toEqual({ foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } });
    expect(applyJsonPatch({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }])).toEqual({ foo: ['all', 'cows', 'eat', 'grass'] });
    expect(applyJsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }, { op: 'copy', from: '/~1', path: '/x' }])).toEqual({ '/': 9, '~1': 10, x: 9 });
    expect(applyJsonPatch({ a: { x: 1, y: 2 } }, [{ op: 'test', path: '/a', value: { y: 2, x: 1 } }])).toEqual({ a: { x: 1, y: 2 } });
  });

  it('refuses the whole patch when one operation fails, leaving the document as it was', () => {
    const doc = { baz: 'qux', foo: ['a'] };
    expect(() => applyJsonPatch(doc, [{ op: 'add', path: '/x', value: 1 }, { op: 'test', path: '/baz', value: 'bar' }])).toThrow(new JsonPatchError('testing value /baz failed: test failed'));
    expect(() => applyJsonPatch(doc, [{ op: 'add', path: '/baz/bat', value: 'qux' }])).toThrow(JsonPatchError);
    expect(() => applyJsonPatch(doc, [{ op: 'remove', path: '/foo/5' }])).toThrow('array index 5 out of bounds');
    expect(() => applyJsonPatch(doc, [{ op: 'frobnicate', path: '/a' }])).toThrow('Unexpected kind: frobnicate');
    expect(doc).toEqual({ baz: 'qux', foo: ['a'] });
  });

  it('never throws anything but JsonPatchError on random patches', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (doc, patch) => {
        try {
          applyJsonPatch(doc, patch);
        } catch (e) {
          expect(e).toBeInstanceOf(JsonPatchError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('strategic merge patch (what kubectl apply and cordon send)', () => {
  const pod = {
    metadata: { name: 'web', labels: { app: 'a', tier: 'x' }, finalizers: ['a'] },
    spec: {
      containers: [
        { name: 'web', image: 'nginx:1.26', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
        { name: 'sidecar', image: 'busybox' },
      ],
      tolerations: [{ key: 'a', operator: 'Exists' }],
      nodeSelector: { 'kubernetes.azure.com/secure-boot': 'true' },
    },
    status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] },
  };

  it('merges containers by name, env by name and ports by containerPort, keeping what the patch does not name', () => {
    const out = applyStrategicMergePatch(pod, { spec: { containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'C', value: '3' }] }] } }) as typeof pod;
    expect(out.spec.containers).toEqual([
      { name: 'web', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'sidecar', image: 'busybox' },
    ]);
  });

  it('replaces lists without a merge strategy (tolerations) and merges conditions by type', () => {
    const out = applyStrategicMergePatch(pod, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }) as typeof pod;
    expect(out.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
    expect(out.status.conditions).toEqual([{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }]);
  });

  it('honours $patch delete/replace, $setElementOrder, $deleteFromPrimitiveList, $retainKeys and null', () => {
    const out = applyStrategicMergePatch(pod, {
      metadata: { labels: { tier: null }, '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: {
        '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }],
        containers: [{ name: 'web', env: [{ name: 'A', $patch: 'delete' }] }],
        nodeSelector: { $patch: 'replace', team: 'b' },
      },
    }) as typeof pod;
    expect(out.metadata.labels).toEqual({ app: 'a' });
    expect(out.metadata.finalizers).toEqual([]);
    expect(out.spec.containers.map((c) => c.name)).toEqual(['sidecar', 'web']);
    expect(out.spec.containers[1]!.env).toEqual([{ name: 'B', value: '2' }]);
    expect(out.spec.nodeSelector).toEqual({ team: 'b' });
    const retained = applyStrategicMergePatch({ spec: { a: 1, b: 2 } }, { spec: { $retainKeys: ['b', 'c'], c: 3 } });
    expect(retained).toEqual({ spec: { b: 2, c: 3 } });
    expect(applyStrategicMergePatch(pod, { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } })).toMatchObject({ spec: { containers: [{ name: 'only', image: 'x' }] } });
  });

  it("applies kubectl cordon's and uncordon's patches", () => {
    const node = { spec: { podCIDR: '10.244.0.0/24' } };
    const cordoned = applyStrategicMergePatch(node, { spec: { unschedulable: true } });
    expect(cordoned).toEqual({ spec: { podCIDR: '10.244.0.0/24', unschedulable: true } });
    expect(applyStrategicMergePatch(cordoned, { spec: { unschedulable: null } })).toEqual(node);
  });

  it('refuses a list element without its merge key, and never throws anything else on random patches', () => {
    expect(() => applyStrategicMergePatch(pod, { spec: { containers: [{ image: 'x' }] } })).toThrow(new StrategicPatchError('map: {"image":"x"} does not contain declared merge key: name'));
    fc.assert(
      fc.property(fc.jsonValue(), (patch) => {
        try {
          applyStrategicMergePatch(pod, patch);
        } catch (e) {
          expect(e).toBeInstanceOf(StrategicPatchError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
