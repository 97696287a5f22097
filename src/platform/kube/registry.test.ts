import { describe, expect, it } from 'vitest';
import { KubeError } from './errors.js';
import { resourceInfo } from './resources.js';
import { parseLabelSelector } from './selectors.js';
import { kubeHarness } from './test-support/cluster.js';
import type { KubeObject, Node, Pod } from './types.js';

const pods = resourceInfo('pods');
const nodes = resourceInfo('nodes');
const ns = resourceInfo('namespaces');
const leases = resourceInfo('leases');

async function reject(p: Promise<unknown>): Promise<KubeError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof KubeError) return e;
    throw e;
  }
  throw new Error('expected a KubeError');
}

const podObj = (name: string, extra: Partial<Pod['spec']> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name } as Pod['metadata'], spec: { containers: [{ name: 'web', image: 'nginx' }], ...extra } });

describe('the registry (generic API server store)', () => {
  it('creates with defaults, refuses duplicates, validates, and dry-runs without storing', async () => {
    const h = await kubeHarness({ count: 1 });
    const r = h.platform.kube.registry;
    const v = await r.create(h.uid, pods, 'default', podObj('a'));
    expect((v.obj as Pod).spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', serviceAccountName: 'default', terminationGracePeriodSeconds: 30 });
    expect((v.obj as Pod).spec.containers[0]).toMatchObject({ imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log' });
    expect((await reject(r.create(h.uid, pods, 'default', podObj('a')))).message).toBe('pods "a" already exists');
    const bad = await reject(r.create(h.uid, pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'Bad_Name' } as Pod['metadata'], spec: { containers: [{ name: 'w' }] } }));
    expect(bad.reason).toBe('Invalid');
    expect(bad.message).toBe(
      `Pod "Bad_Name" is invalid: [metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), spec.containers[0].image: Required value]`,
    );
    expect(bad.details?.causes?.map((c) => c.field)).toEqual(['metadata.name', 'spec.containers[0].image']);
    await r.create(h.uid, pods, 'default', podObj('dry'), { dryRun: true });
    expect(r.tryGet(h.uid, pods, 'default', 'dry')).toBeUndefined();
    expect((await reject(r.create(h.uid, pods, 'nowhere', podObj('x')))).message).toBe('namespaces "nowhere" not found');
    const gen = await r.create(h.uid, pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'web-' } as Pod['metadata'], spec: { containers: [{ name: 'w', image: 'x' }] } });
    expect(gen.obj.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('enforces optimistic concurrency and pod update rules', async () => {
    const h = await kubeHarness({ count: 1 });
    const r = h.platform.kube.registry;
    const v = await r.create(h.uid, pods, 'default', podObj('a'));
    const stale = { ...v.obj, metadata: { ...v.obj.metadata, resourceVersion: String(v.rev), labels: { x: '1' } } };
    await r.update(h.uid, pods, 'default', 'a', stale);
    const conflict = await reject(r.update(h.uid, pods, 'default', 'a', { ...stale, metadata: { ...stale.metadata, labels: { x: '2' } } }));
    expect([conflict.reason, conflict.message]).toEqual(['Conflict', 'Operation cannot be fulfilled on pods "a": the object has been modified; please apply your changes to the latest version and try again']);
    const cur = r.get(h.uid, pods, 'default', 'a').obj as Pod;
    const forbidden = await reject(r.update(h.uid, pods, 'default', 'a', { ...cur, spec: { ...cur.spec, nodeSelector: { a: 'b' } } }));
    expect(forbidden.message).toMatch(/^Pod "a" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
    const image = await r.update(h.uid, pods, 'default', 'a', { ...cur, spec: { ...cur.spec, containers: [{ ...cur.spec.containers[0]!, image: 'nginx:1.27' }] } });
    expect((image.obj as Pod).spec.containers[0]!.image).toBe('nginx:1.27');
    expect((await reject(r.update(h.uid, pods, 'default', 'a', { ...cur, metadata: { ...cur.metadata, name: 'b' } }))).message).toBe('the name of the object (b) does not match the name on the URL (a)');
  });

  it('lists in key order with selectors and continue tokens', async () => {
    const h = await kubeHarness({ count: 3 });
    const r = h.platform.kube.registry;
    const page1 = await r.list(h.uid, nodes, undefined, { limit: 2 });
    expect(page1.items.map((v) => v.obj.metadata.name.slice(-6))).toEqual(['000000', '000001']);
    expect(page1.remainingItemCount).toBe(1);
    const page2 = await r.list(h.uid, nodes, undefined, { limit: 2, continue: page1.continue! });
    expect(page2.items.map((v) => v.obj.metadata.name.slice(-6))).toEqual(['000002']);
    expect(page2.continue).toBeUndefined();
    expect((await reject(r.list(h.uid, nodes, undefined, { continue: 'garbage' }))).reason).toBe('BadRequest');
    expect((await r.list(h.uid, nodes, undefined, { labelSelector: parseLabelSelector('kubernetes.io/hostname notin (x)') })).items).toHaveLength(3);
  });

  it('deletes pods on a live node gracefully (the kubelet finishes), unscheduled pods at once, and honours finalizers', async () => {
    const h = await kubeHarness({ count: 1 });
    const r = h.platform.kube.registry;
    await h.createPod('bound', {});
    await h.createPod('stuck', { nodeSelector: { nope: 'x' } });
    await h.pass(30);
    const graceful = await r.delete(h.uid, pods, 'default', 'bound');
    expect(graceful.gone).toBe(false);
    expect(graceful.obj.metadata).toMatchObject({ deletionTimestamp: expect.any(String), deletionGracePeriodSeconds: 30 });
    expect(h.pods().find((p) => p.metadata.name === 'bound')?.metadata.deletionTimestamp).toBeDefined();
    await h.pass(20);
    expect(h.pods().map((p) => p.metadata.name)).toEqual(['stuck']);
    expect((await r.delete(h.uid, pods, 'default', 'stuck')).gone).toBe(true);
    const lease = await r.create(h.uid, leases, 'default', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l', finalizers: ['example.com/keep'] } as KubeObject['metadata'], spec: { holderIdentity: 'me' } });
    expect((await r.delete(h.uid, leases, 'default', 'l')).gone).toBe(false);
    const marked = r.get(h.uid, leases, 'default', 'l');
    expect(marked.obj.metadata.deletionTimestamp).toBeDefined();
    await r.update(h.uid, leases, 'default', 'l', { ...marked.obj, metadata: { ...marked.obj.metadata, finalizers: [] } });
    expect(r.tryGet(h.uid, leases, 'default', 'l')).toBeUndefined();
    void lease;
    const pre = await reject(r.delete(h.uid, nodes, undefined, h.nodes()[0]!.metadata.name, { preconditions: { uid: 'other' } }));
    expect(pre.message).toMatch(/Precondition failed: UID in precondition: other, UID in object meta: /);
  });

  it('deletes a namespace with its content and protects the system namespaces', async () => {
    const h = await kubeHarness({ count: 1 });
    const r = h.platform.kube.registry;
    await r.create(h.uid, ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } as KubeObject['metadata'] });
    expect(r.get(h.uid, ns, undefined, 'team').obj.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team' });
    await r.create(h.uid, pods, 'team', podObj('a'));
    await r.delete(h.uid, ns, undefined, 'team');
    expect(h.platform.kube.cache.list(h.uid, 'pods', 'team')).toEqual([]);
    expect((await reject(r.delete(h.uid, ns, undefined, 'kube-system'))).message).toBe('namespaces "kube-system" is forbidden: this namespace may not be deleted');
  });

  it('lets users cordon nodes (with the unschedulable taint) but not touch reserved labels', async () => {
    const h = await kubeHarness({ count: 1, enableSecureBoot: true });
    const r = h.platform.kube.registry;
    const name = h.nodes()[0]!.metadata.name;
    const cordoned = await r.guaranteedUpdate(h.uid, nodes, undefined, name, (n) => ({ ...n, spec: { ...(n.spec as object), unschedulable: true } }));
    expect((cordoned.obj as Node).spec.taints).toEqual([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: expect.any(String) }]);
    const e = await reject(r.guaranteedUpdate(h.uid, nodes, undefined, name, (n) => ({ ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, 'kubernetes.azure.com/secure-boot': 'false' } } })));
    expect(e.message).toMatch(/^Node "aks-nodepool1-\d{8}-vmss000000" is invalid: metadata\.labels\[kubernetes\.azure\.com\/secure-boot\]: Forbidden: label "kubernetes\.azure\.com\/secure-boot" is reserved by AKS/);
    const fake = await reject(r.create(h.uid, nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'fake', labels: { 'kubernetes.azure.com/secure-boot': 'true' } } as unknown as KubeObject['metadata'] }));
    expect(fake.reason).toBe('Invalid');
  });
});

describe('event time-to-live', () => {
  it('removes events an hour after they were last seen (kube-apiserver --event-ttl); a repeated one lives on', async () => {
    const h = await kubeHarness({ count: 1 });
    expect(h.events().length).toBeGreaterThan(0);
    await h.createPod('stuck', { nodeSelector: { nope: 'x' } });
    await h.pass(20);
    expect(h.events('stuck').map((e) => (e as { reason?: string }).reason)).toEqual(['FailedScheduling']);
    await h.pass(61 * 60_000, 60_000);
    // The node's registration events expired; the scheduler retried the pod every five minutes.
    const left = h.events() as unknown as { reason: string; count: number }[];
    expect(left.map((e) => e.reason)).toEqual(['FailedScheduling']);
    expect(left[0]!.count).toBeGreaterThanOrEqual(12);
  });
});
