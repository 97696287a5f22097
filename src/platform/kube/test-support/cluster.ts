/** A platform harness with a Trusted Launch cluster, and helpers to read its Kubernetes objects. */
import { harness, registerTrustedLaunch, type Harness } from '../../test-support/harness.js';
import type { Hooks } from '../../services/context.js';
import { resourceInfo, type ResourceName } from '../resources.js';
import type { KubeObject, Node, Pod } from '../types.js';

export interface KubeHarness extends Harness {
  uid: string;
  nodes(): Node[];
  pods(namespace?: string): Pod[];
  get<T extends KubeObject>(r: ResourceName, id: string): T | undefined;
  events(involvedName?: string): KubeObject[];
  createPod(name: string, spec: Partial<Pod['spec']>, namespace?: string): Promise<Pod>;
}

/** A cluster `c` in `rg` with pool `nodepool1` (System, `count` nodes, the given security profile). */
export async function kubeHarness(o: { count?: number; enableVTPM?: boolean; enableSecureBoot?: boolean; hooks?: Hooks; tl?: boolean } = {}): Promise<KubeHarness> {
  const h = await harness(o.hooks ? { hooks: o.hooks } : {});
  if (o.tl !== false) await registerTrustedLaunch(h);
  await h.platform.resourceGroups.createOrUpdate(h.sub, 'rg', 'eastus');
  const { cluster } = await h.platform.clusters.createOrUpdate(h.sub, 'rg', 'c', {
    location: 'eastus',
    agentPoolProfiles: [{ name: 'nodepool1', count: o.count ?? 2, vmSize: 'Standard_DS2_v2', mode: 'System', securityProfile: { enableVTPM: o.enableVTPM ?? false, enableSecureBoot: o.enableSecureBoot ?? false } }],
  });
  await h.pass(200);
  const k = h.platform.kube;
  const uid = cluster.resourceUID;
  return {
    ...h,
    uid,
    nodes: () => k.cache.list<Node>(uid, 'nodes').map((v) => v.obj),
    pods: (ns?: string) => k.cache.list<Pod>(uid, 'pods', ns).map((v) => v.obj),
    get: <T extends KubeObject>(r: ResourceName, id: string) => k.cache.get<T>(uid, r, id)?.obj,
    events: (name?: string) => k.cache.list(uid, 'events').map((v) => v.obj).filter((e) => !name || (e as unknown as { involvedObject: { name: string } }).involvedObject.name === name),
    createPod: async (name, spec, namespace = 'default') =>
      (await k.registry.create(uid, resourceInfo('pods'), namespace, { apiVersion: 'v1', kind: 'Pod', metadata: { name } as Pod['metadata'], spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...spec } } as Pod)).obj as Pod,
  };
}
