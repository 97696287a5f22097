/**
 * @kubernetes/client-node 1.4 (the official JavaScript client) against a cluster's API, using
 * the kubeconfig exactly as listClusterUserCredential returns it: typed list with a label
 * selector, create, strategic-merge patch (cordon), optimistic concurrency (409), a Watch that
 * resumes from a list's resourceVersion and receives bookmarks, an informer, 410 Gone for a
 * resourceVersion older than the watch history, and the scheduler's FailedScheduling event.
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster, registerTrustedLaunch, userKubeconfig } from '../support/kube.js';
import { startServer, waitFor, type TestServer } from '../support/server.js';

let s: TestServer;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;

beforeAll(async () => {
  s = await startServer();
  await registerTrustedLaunch(s);
  await createCluster(s, 'rg', 'c', [
    { name: 'nodepool1', count: 1 },
    { name: 'tlpool', count: 2, enableVTPM: true, enableSecureBoot: true },
  ]);
  kc = new k8s.KubeConfig();
  kc.loadFromString(await userKubeconfig(s, 'rg', 'c'));
  core = kc.makeApiClient(k8s.CoreV1Api);
});

afterAll(async () => {
  await s?.stop();
});

const pod = (name: string, nodeSelector?: Record<string, string>): k8s.V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'demo' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...(nodeSelector ? { nodeSelector } : {}) },
});

describe('@kubernetes/client-node', () => {
  it('uses the kubeconfig as AKS names it and lists nodes by Trusted Launch label', async () => {
    expect(kc.getCurrentContext()).toBe('c');
    expect(kc.getCurrentUser()?.name).toBe('clusterUser_rg_c');
    const all = await core.listNode();
    expect(all.items).toHaveLength(3);
    const tl = await core.listNode({ labelSelector: 'kubernetes.azure.com/trusted-launch=true,kubernetes.azure.com/secure-boot=true' });
    expect(tl.items.map((n) => n.metadata!.labels!['kubernetes.azure.com/agentpool'])).toEqual(['tlpool', 'tlpool']);
    expect(tl.items[0]!.status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('True');
  });

  it('creates a pod that the scheduler places on a Secure Boot node, watched from the list resourceVersion', async () => {
    const list = await core.listNamespacedPod({ namespace: 'default' });
    const seen: { type: string; node?: string; phase?: string }[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch(
      '/api/v1/namespaces/default/pods',
      { resourceVersion: list.metadata!.resourceVersion, allowWatchBookmarks: true },
      (type, obj: k8s.V1Pod) => seen.push({ type, ...(obj.spec?.nodeName ? { node: obj.spec.nodeName } : {}), ...(obj.status?.phase ? { phase: obj.status.phase } : {}) }),
      () => undefined,
    );
    await core.createNamespacedPod({ namespace: 'default', body: pod('sb', { 'kubernetes.azure.com/secure-boot': 'true' }) });
    await waitFor(async () => seen.some((e) => e.phase === 'Running'), 'pod Running in the watch');
    req.abort();
    expect(seen[0]).toEqual({ type: 'ADDED', phase: 'Pending' });
    const running = seen.find((e) => e.phase === 'Running')!;
    expect(running.node).toMatch(/^aks-tlpool-\d{8}-vmss00000[01]$/);
  });

  it('cordons with a strategic merge patch, and refuses a stale update with 409 Conflict', async () => {
    const name = (await core.listNode({ labelSelector: 'kubernetes.azure.com/agentpool=nodepool1' })).items[0]!.metadata!.name!;
    const patched = await core.patchNode({ name, body: { spec: { unschedulable: true } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch));
    expect(patched.spec!.unschedulable).toBe(true);
    expect(patched.spec!.taints).toEqual([expect.objectContaining({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })]);
    const stale = { ...patched, metadata: { ...patched.metadata!, resourceVersion: '1', labels: { ...patched.metadata!.labels, team: 'a' } } };
    const err = await core.replaceNode({ name, body: stale }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(k8s.ApiException);
    expect((err as k8s.ApiException<string>).code).toBe(409);
    expect(JSON.parse((err as k8s.ApiException<string>).body)).toMatchObject({ kind: 'Status', reason: 'Conflict', message: `Operation cannot be fulfilled on nodes "${name}": the object has been modified; please apply your changes to the latest version and try again` });
    const un = await core.patchNode({ name, body: { spec: { unschedulable: null } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch));
    expect(un.spec!.unschedulable).toBeUndefined();
  });

  it('keeps an informer in sync, gets 410 for a too-old resourceVersion, and reads FailedScheduling events', async () => {
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' }));
    await informer.start();
    await core.createNamespacedPod({ namespace: 'default', body: pod('nowhere', { 'kubernetes.azure.com/security-type': 'ConfidentialVM' }) });
    await waitFor(async () => informer.list('default').some((p) => p.metadata!.name === 'nowhere'), 'informer sees the pod');
    await informer.stop();
    const events = await waitFor(async () => {
      const e = await core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'involvedObject.name=nowhere,reason=FailedScheduling' });
      return e.items.length ? e.items : undefined;
    }, 'FailedScheduling event');
    expect(events[0]!.message).toBe("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    // The watch history starts at the server's start: resourceVersion 1 is older, as after an etcd compaction.
    const errors: (Error & { statusCode?: number })[] = [];
    await new k8s.Watch(kc).watch('/api/v1/namespaces/default/pods', { resourceVersion: '1' }, () => undefined, (e) => errors.push(e));
    await waitFor(async () => errors.length > 0, 'watch refused');
    expect([errors[0]!.statusCode, errors[0]!.message]).toEqual([410, 'Gone']);
  });
});
