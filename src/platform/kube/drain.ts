/**
 * The drain AKS performs before it reimages or removes a node ("Reimage cordons and drains a
 * node first"): cordon the Node, then evict its pods. Evicted pods are recreated under the same
 * name as new Pending pods (new uid) — what their controller would do — so the scheduler places
 * them on another node that matches, or leaves them Pending with a FailedScheduling event; a pod
 * pinned to `secure-boot=true` never lands on a node without it.
 *
 * Both reimage paths use it: the agent pool reconciler (pool update: new generation, maxSurge at a
 * time) through `hooks.drainVm`, and a single VM's reimage (`tl vm reimage`, Compute's reimage
 * action; services/vms.ts) through the same hook.
 *
 * Steps of `drainVm`:
 *   1. find the VM's cluster and Node (no Node, or the cluster is being deleted: nothing to drain),
 *   2. cordon: spec.unschedulable, remembering that the platform did it (`…/cordoned-for`, with the
 *      VM's generation and boot it was drained on) so the node is uncordoned when it is Ready again
 *      after the reimage (`uncordonAfterReimage` in nodes/desired.ts); a user's cordon is left alone,
 *   3. evict every pod bound there that has not finished: delete it and recreate it Pending,
 *   4. commit it all at once with compare-and-swap, and record the Drain event.
 */
import { KIND } from '../model/keys.js';
import type { ManagedCluster, VirtualMachine } from '../model/types.js';
import { clusterKeyOfPool } from '../reconcile/agent-pool.js';
import type { PlatformContext } from '../services/context.js';
import type { WriteOp } from '../store/store.js';
import type { KubeCache } from './cache.js';
import type { EventRecorder } from './events.js';
import { ANNOTATION_CORDONED_FOR, cordonedFor } from './nodes/desired.js';
import { normalizeNodeTaints } from './nodes/lifecycle.js';
import { qosClass } from './pods/requests.js';
import { objectKey, resourceInfo } from './resources.js';
import { kubeTime, type Node, type Pod } from './types.js';

export type DrainReason = 'Reimage' | 'Delete';

export class Drainer {
  private readonly nodes = resourceInfo('nodes');
  private readonly pods = resourceInfo('pods');

  constructor(
    private readonly ctx: PlatformContext,
    private readonly cache: KubeCache,
    private readonly events: EventRecorder,
  ) {}

  /** Steps 1–4. Resolves true once the node is cordoned and empty. */
  async drainVm(vm: VirtualMachine, reason: DrainReason): Promise<boolean> {
    // 1.
    const cluster = (await this.ctx.store.get<ManagedCluster>(KIND.cluster, clusterKeyOfPool(vm.poolKey)))?.value;
    if (!cluster || cluster.deleting) return true;
    const uid = cluster.resourceUID;
    const node = this.cache.get<Node>(uid, 'nodes', vm.computerName);
    if (!node) return true;
    const now = this.ctx.clock.now();
    const t = kubeTime(now);
    const ops: WriteOp[] = [];
    // 2.
    if (!node.obj.spec.unschedulable) {
      const cordoned: Node = normalizeNodeTaints(
        {
          ...node.obj,
          metadata: { ...node.obj.metadata, annotations: { ...node.obj.metadata.annotations, [ANNOTATION_CORDONED_FOR]: cordonedFor(reason, vm) } },
          spec: { ...node.obj.spec, unschedulable: true },
        },
        t,
      );
      ops.push({ op: 'put', kind: this.nodes.storeKind, key: objectKey(uid, this.nodes, undefined, vm.computerName), value: cordoned, expectRev: node.rev });
    }
    // 3.
    const victims = this.cache.podsOnNode(uid, vm.computerName).filter((p) => p.obj.status?.phase !== 'Succeeded' && p.obj.status?.phase !== 'Failed');
    for (const v of victims) {
      const key = objectKey(uid, this.pods, v.obj.metadata.namespace, v.obj.metadata.name);
      ops.push({ op: 'delete', kind: this.pods.storeKind, key, expectRev: v.rev });
      if (!v.obj.metadata.deletionTimestamp) ops.push({ op: 'put', kind: this.pods.storeKind, key, value: this.recreated(v.obj, t) });
    }
    if (ops.length === 0) return true;
    // 4.
    ops.push(
      this.events.record(uid, node.obj, 'Normal', 'Drain', `Draining node: ${vm.computerName}${victims.length ? ` (evicting ${victims.length} pod${victims.length === 1 ? '' : 's'})` : ''}`, { component: 'aks-node-upgrade' }),
    );
    await this.ctx.store.commit(ops);
    return true;
  }

  /** A fresh Pending copy of an evicted pod: same name, spec without the node, new identity. */
  private recreated(p: Pod, t: string): Pod {
    const { nodeName: _n, ...spec } = p.spec;
    const { uid: _u, resourceVersion: _r, creationTimestamp: _c, deletionTimestamp: _d, deletionGracePeriodSeconds: _g, ...meta } = p.metadata;
    const pod: Pod = { apiVersion: p.apiVersion, kind: p.kind, metadata: { ...meta, uid: this.ctx.ids.uuid(), creationTimestamp: t }, spec: spec as Pod['spec'], status: { phase: 'Pending' } };
    pod.status.qosClass = qosClass(pod);
    return pod;
  }
}
