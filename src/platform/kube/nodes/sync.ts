/**
 * Node sync: each VM's Node follows the VM (the kubelet registering and reporting status,
 * the cloud node manager deleting Nodes of deleted VMs, AKS labelling nodes).
 *
 * Steps of `syncVm(vmKey)`, level-triggered and idempotent:
 *   1. no VM: remove its Node, the Node's lease and the pods bound to it (pod GC),
 *   2. otherwise read the pool, the cluster, the VM's attestation record and the cluster's
 *      attestation setting, and compute the desired Node (desired.ts),
 *   3. unchanged: nothing to write; changed: commit the Node (compare-and-swap), its lease in
 *      kube-node-lease, and the events a kubelet and node controller would record.
 */
import { KIND } from '../../model/keys.js';
import type { AgentPool, ManagedCluster, VirtualMachine } from '../../model/types.js';
import { clusterKeyOfPool } from '../../reconcile/agent-pool.js';
import type { PlatformContext } from '../../services/context.js';
import type { WriteOp } from '../../store/store.js';
import type { KubeCache, KubeChange } from '../cache.js';
import type { EventRecorder } from '../events.js';
import { objectKey, resourceInfo } from '../resources.js';
import { kubeMicroTime, kubeTime, type KubeObject, type Node } from '../types.js';
import { indexOfInternalIp } from './addresses.js';
import { desiredNode, vmKeyOfProviderId, type AttestationRecord } from './desired.js';
import { readyStatus } from './lifecycle.js';

export const NODE_SYNC_QUEUE = 'kubeNodeSync';

const KUBELET = (host: string) => ({ component: 'kubelet', host });
const NODE_CONTROLLER = { component: 'node-controller' };

export class NodeSync {
  /** vmKey → where its Node lives. */
  private readonly byVm = new Map<string, { uid: string; name: string }>();
  /** clusterUid → address indices in use, and the lowest index that may be free. */
  private readonly addresses = new Map<string, { used: Set<number>; lowest: number }>();
  private readonly nodes = resourceInfo('nodes');
  private readonly leases = resourceInfo('leases');
  private readonly pods = resourceInfo('pods');

  constructor(
    private readonly ctx: PlatformContext,
    private readonly cache: KubeCache,
    private readonly events: EventRecorder,
  ) {}

  /** Keep the VM and address indices current; returns a VM key to sync again (a Node deleted by a user re-registers). */
  observe(c: KubeChange): string | undefined {
    if (c.resource.resource !== 'nodes') return undefined;
    const node = c.obj as Node;
    const vmKey = vmKeyOfProviderId(node.spec?.providerID);
    const idx = indexOfInternalIp(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address);
    const a = this.addrs(c.clusterUid);
    if (c.type === 'DELETED') {
      if (vmKey && this.byVm.get(vmKey)?.name === node.metadata.name) this.byVm.delete(vmKey);
      if (idx !== undefined && vmKey) {
        a.used.delete(idx);
        a.lowest = Math.min(a.lowest, idx);
      }
      return vmKey;
    }
    if (vmKey) this.byVm.set(vmKey, { uid: c.clusterUid, name: node.metadata.name });
    if (idx !== undefined && vmKey) a.used.add(idx);
    return undefined;
  }

  private addrs(uid: string): { used: Set<number>; lowest: number } {
    let a = this.addresses.get(uid);
    if (!a) this.addresses.set(uid, (a = { used: new Set(), lowest: 0 }));
    return a;
  }

  private allocate(uid: string): number {
    const a = this.addrs(uid);
    while (a.used.has(a.lowest)) a.lowest++;
    a.used.add(a.lowest);
    return a.lowest;
  }

  /** VM keys of the Nodes of a cluster (all of them, or one pool's). */
  vmKeysOf(uid: string, poolName?: string): string[] {
    const out: string[] = [];
    for (const [k, v] of this.byVm) {
      if (v.uid !== uid) continue;
      if (poolName !== undefined && this.cache.get<Node>(uid, 'nodes', v.name)?.obj.metadata.labels?.['kubernetes.azure.com/agentpool'] !== poolName) continue;
      out.push(k);
    }
    return out;
  }

  async syncVm(vmKey: string): Promise<void> {
    const { store } = this.ctx;
    const vm = (await store.get<VirtualMachine>(KIND.vm, vmKey))?.value;
    // 1.
    if (!vm) return this.removeNodeOf(vmKey);
    // 2.
    const pool = (await store.get<AgentPool>(KIND.agentPool, vm.poolKey))?.value;
    const clusterKey = clusterKeyOfPool(vm.poolKey);
    const cluster = (await store.get<ManagedCluster>(KIND.cluster, clusterKey))?.value;
    if (!pool || !cluster) return;
    const uid = cluster.resourceUID;
    const attestation = (await store.get<AttestationRecord>(KIND.attestationResult, vmKey))?.value;
    const quarantine = !!(await store.get<{ quarantine?: boolean }>(KIND.attestationSettings, clusterKey))?.value.quarantine;
    const existing = this.cache.get<Node>(uid, 'nodes', vm.computerName);
    if (!existing && vm.stage !== 'Running') return;
    const now = this.ctx.clock.now();
    const index = existing ? 0 : this.allocate(uid);
    const desired = desiredNode({ vm, pool, cluster, ...(attestation ? { attestation } : {}), quarantine, index, uid: this.ctx.ids.uuid(), now, ...(existing ? { existing: existing.obj } : {}) });
    if (!desired) return;
    // 3.
    if (existing && JSON.stringify(existing.obj) === JSON.stringify(desired)) return;
    const ops: WriteOp[] = [{ op: 'put', kind: this.nodes.storeKind, key: objectKey(uid, this.nodes, undefined, desired.metadata.name), value: desired, expectRev: existing?.rev ?? 0 }];
    const up = readyStatus(desired) === 'True';
    const wasUp = existing ? readyStatus(existing.obj) === 'True' : false;
    if (up && (!existing || !wasUp)) ops.push(this.lease(uid, desired, now));
    const name = desired.metadata.name;
    if (!existing) {
      ops.push(this.events.record(uid, desired, 'Normal', 'Starting', 'Starting kubelet.', KUBELET(name)));
      ops.push(this.events.record(uid, desired, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`, NODE_CONTROLLER));
    }
    if (up && !wasUp) ops.push(this.events.record(uid, desired, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`, KUBELET(name)));
    if (!up && wasUp) ops.push(this.events.record(uid, desired, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`, NODE_CONTROLLER));
    const att = desired.status.conditions?.find((c) => c.type === 'AttestationFailed');
    const attBefore = existing?.obj.status.conditions?.find((c) => c.type === 'AttestationFailed');
    if (att && att.status === 'True' && attBefore?.status !== 'True') ops.push(this.events.record(uid, desired, 'Warning', 'AttestationUnhealthy', att.message ?? '', { component: 'trusted-launch-attestation' }));
    await store.commit(ops);
  }

  private lease(uid: string, node: Node, now: number): WriteOp {
    const name = node.metadata.name;
    const existing = this.cache.get(uid, 'leases', `kube-node-lease/${name}`);
    const value: KubeObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name,
        namespace: 'kube-node-lease',
        uid: existing?.obj.metadata.uid ?? this.ctx.ids.uuid(),
        creationTimestamp: existing?.obj.metadata.creationTimestamp ?? kubeTime(now),
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }],
      },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: kubeMicroTime(now) },
    };
    return { op: 'put', kind: this.leases.storeKind, key: objectKey(uid, this.leases, 'kube-node-lease', name), value };
  }

  private async removeNodeOf(vmKey: string): Promise<void> {
    const where = this.byVm.get(vmKey);
    if (!where) return;
    const node = this.cache.get<Node>(where.uid, 'nodes', where.name);
    if (!node || vmKeyOfProviderId(node.obj.spec.providerID) !== vmKey) {
      this.byVm.delete(vmKey);
      return;
    }
    const ops: WriteOp[] = [{ op: 'delete', kind: this.nodes.storeKind, key: objectKey(where.uid, this.nodes, undefined, where.name), expectRev: node.rev }];
    if (this.cache.get(where.uid, 'leases', `kube-node-lease/${where.name}`)) ops.push({ op: 'delete', kind: this.leases.storeKind, key: objectKey(where.uid, this.leases, 'kube-node-lease', where.name) });
    for (const p of this.cache.podsOnNode(where.uid, where.name)) ops.push({ op: 'delete', kind: this.pods.storeKind, key: objectKey(where.uid, this.pods, p.obj.metadata.namespace, p.obj.metadata.name), expectRev: p.rev });
    await this.ctx.store.commit(ops);
  }
}
