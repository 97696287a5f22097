/**
 * The Kubernetes side of the platform: one API server per managed cluster (objects, watches),
 * the controllers that make a cluster behave (node sync from VMs, scheduler, kubelets), and the
 * drain the agent pool reconciler calls before it reimages or removes a VM.
 *
 * Steps of `start`:
 *   1. load every Kubernetes object into the cache and open the watch history at the Store revision,
 *   2. index clusters (resourceUID ↔ store key) and feed the loaded objects to the controllers'
 *      indices (nodes before pods, so pod accounting finds its nodes),
 *   3. subscribe to the Store's change feed: Kubernetes objects update the cache, the watches and
 *      the controllers; VMs, pools, clusters and attestation records wake node sync,
 *   4. queue a full resync: every cluster (system namespaces), every VM (its Node), every cluster's
 *      scheduler and kubelets.
 */
import { KIND } from '../model/keys.js';
import type { AgentPool, ManagedCluster, VirtualMachine } from '../model/types.js';
import type { Controller } from '../reconcile/controller.js';
import type { PlatformContext } from '../services/context.js';
import type { Change, WriteOp } from '../store/store.js';
import { KubeCache, type KubeChange } from './cache.js';
import { Drainer, type DrainReason } from './drain.js';
import { EventRecorder } from './events.js';
import { Kubelet, KUBELET_QUEUE } from './kubelet.js';
import { NODE_SYNC_QUEUE, NodeSync } from './nodes/sync.js';
import { KubeRegistry, SYSTEM_NAMESPACES } from './registry.js';
import { objectKey, RESOURCES, resourceInfo } from './resources.js';
import { Scheduler, SCHEDULER_QUEUE } from './scheduler/scheduler.js';
import { kubeTime, type KubeEvent, type KubeObject } from './types.js';
import { WatchHub } from './watch-hub.js';

export const CLUSTER_QUEUE = 'kubeCluster';
/** kube-apiserver's --event-ttl default: events older than an hour are removed. */
export const EVENT_TTL_MS = 60 * 60_000;
const EVENT_GC_INTERVAL_MS = 10 * 60_000;

export class KubeService {
  readonly cache = new KubeCache();
  readonly events: EventRecorder;
  readonly registry: KubeRegistry;
  readonly nodeSync: NodeSync;
  readonly scheduler: Scheduler;
  readonly kubelet: Kubelet;
  readonly drainer: Drainer;
  private hubRef: WatchHub | undefined;
  private readonly clusterByUid = new Map<string, string>();
  private readonly uidByCluster = new Map<string, string>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly ctx: PlatformContext) {
    this.events = new EventRecorder(this.cache, () => ctx.clock.now());
    this.registry = new KubeRegistry(ctx, this.cache);
    this.nodeSync = new NodeSync(ctx, this.cache, this.events);
    this.scheduler = new Scheduler(ctx, this.cache, this.events);
    this.kubelet = new Kubelet(ctx, this.cache);
    this.drainer = new Drainer(ctx, this.cache, this.events);
  }

  /** The watch history (available after start). */
  get hub(): WatchHub {
    if (!this.hubRef) throw new Error('KubeService not started');
    return this.hubRef;
  }

  register(controller: Controller): void {
    controller.register(NODE_SYNC_QUEUE, (k) => this.nodeSync.syncVm(k));
    controller.register(SCHEDULER_QUEUE, (k) => this.scheduler.run(k));
    controller.register(KUBELET_QUEUE, (k) => this.kubelet.run(k));
    controller.register(CLUSTER_QUEUE, (k) => this.syncCluster(k));
  }

  /** Drain hook for the agent pool reconciler. */
  drainVm(vm: VirtualMachine, reason: DrainReason): Promise<boolean> {
    return this.drainer.drainVm(vm, reason);
  }

  /** True when `uid` is the resourceUID of an existing managed cluster. */
  hasCluster(uid: string): boolean {
    return this.clusterByUid.has(uid);
  }

  clusterKeyOf(uid: string): string | undefined {
    return this.clusterByUid.get(uid);
  }

  async start(): Promise<void> {
    const { store, queue } = this.ctx;
    // 1.
    const rev = await store.revision();
    await this.cache.load(store);
    this.hubRef = new WatchHub(rev, this.cache);
    // 2.
    const clusters = await store.list<ManagedCluster>(KIND.cluster);
    for (const c of clusters) this.indexCluster(c.key, c.value.resourceUID);
    for (const uid of this.cache.clusterUids()) {
      for (const r of ['nodes', 'pods'] as const) {
        for (const v of this.cache.list(uid, r)) {
          const id = r === 'pods' ? `${v.obj.metadata.namespace}/${v.obj.metadata.name}` : v.obj.metadata.name;
          this.observe({ type: 'ADDED', rev: v.rev, clusterUid: uid, resource: resourceInfo(r), id, obj: v.obj });
        }
      }
    }
    // 3.
    this.unsubscribe = store.subscribe((changes) => this.onChanges(changes));
    // 4.
    for (const c of clusters) queue.enqueue(CLUSTER_QUEUE, c.value.resourceUID);
    for (const uid of this.cache.clusterUids()) {
      if (!this.clusterByUid.has(uid)) queue.enqueue(CLUSTER_QUEUE, uid);
      queue.enqueue(SCHEDULER_QUEUE, uid);
      queue.enqueue(KUBELET_QUEUE, uid);
    }
    for (const vm of await store.list<VirtualMachine>(KIND.vm)) queue.enqueue(NODE_SYNC_QUEUE, vm.key);
    for (const uid of this.cache.clusterUids()) for (const k of this.nodeSync.vmKeysOf(uid)) queue.enqueue(NODE_SYNC_QUEUE, k);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private indexCluster(key: string, uid: string): void {
    this.clusterByUid.set(uid, key);
    this.uidByCluster.set(key, uid);
  }

  private observe(c: KubeChange): void {
    const { queue } = this.ctx;
    const resync = this.nodeSync.observe(c);
    if (resync) queue.enqueue(NODE_SYNC_QUEUE, resync);
    if (this.scheduler.observe(c)) queue.enqueue(SCHEDULER_QUEUE, c.clusterUid);
    if (this.kubelet.observe(c)) queue.enqueue(KUBELET_QUEUE, c.clusterUid);
  }

  /** Step 3: route committed changes. */
  private onChanges(changes: readonly Change[]): void {
    const kube = this.cache.apply(changes);
    this.hub.publish(kube);
    for (const c of kube) this.observe(c);
    const { queue } = this.ctx;
    for (const c of changes) {
      switch (c.kind) {
        case KIND.vm:
          queue.enqueue(NODE_SYNC_QUEUE, c.key);
          break;
        case KIND.attestationResult:
          queue.enqueue(NODE_SYNC_QUEUE, c.key);
          break;
        case KIND.agentPool: {
          const uid = this.uidByCluster.get(c.key.slice(0, c.key.lastIndexOf('/')));
          if (uid) for (const k of this.nodeSync.vmKeysOf(uid, (c.value as AgentPool).name)) queue.enqueue(NODE_SYNC_QUEUE, k);
          break;
        }
        case KIND.attestationSettings: {
          const uid = this.uidByCluster.get(c.key);
          if (uid) for (const k of this.nodeSync.vmKeysOf(uid)) queue.enqueue(NODE_SYNC_QUEUE, k);
          break;
        }
        case KIND.cluster: {
          const uid = (c.value as ManagedCluster).resourceUID;
          if (c.type === 'put') this.indexCluster(c.key, uid);
          else {
            this.clusterByUid.delete(uid);
            this.uidByCluster.delete(c.key);
          }
          queue.enqueue(CLUSTER_QUEUE, uid);
          break;
        }
      }
    }
  }

  /** A cluster's API: system namespaces while the cluster exists, events expired after their TTL; nothing left once the cluster is gone. */
  private async syncCluster(uid: string): Promise<void> {
    const key = this.clusterByUid.get(uid);
    const ops: WriteOp[] = [];
    if (key) {
      const now = this.ctx.clock.now();
      const events = resourceInfo('events');
      for (const v of this.cache.list<KubeEvent>(uid, 'events')) {
        const last = Date.parse(v.obj.lastTimestamp ?? v.obj.eventTime ?? v.obj.metadata.creationTimestamp);
        if (now - last > EVENT_TTL_MS) ops.push({ op: 'delete', kind: events.storeKind, key: objectKey(uid, events, v.obj.metadata.namespace, v.obj.metadata.name), expectRev: v.rev });
      }
      this.ctx.queue.enqueueAt(CLUSTER_QUEUE, uid, now + EVENT_GC_INTERVAL_MS);
      const ns = resourceInfo('namespaces');
      const t = kubeTime(this.ctx.clock.now());
      for (const name of SYSTEM_NAMESPACES) {
        if (this.cache.get(uid, 'namespaces', name)) continue;
        const value: KubeObject = {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name, uid: this.ctx.ids.uuid(), creationTimestamp: t, labels: { 'kubernetes.io/metadata.name': name } },
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Active' },
        };
        ops.push({ op: 'put', kind: ns.storeKind, key: objectKey(uid, ns, undefined, name), value, expectRev: 0 });
      }
    } else {
      for (const r of RESOURCES) {
        for (const v of this.cache.list(uid, r.resource)) ops.push({ op: 'delete', kind: r.storeKind, key: objectKey(uid, r, v.obj.metadata.namespace, v.obj.metadata.name) });
      }
      this.scheduler.forgetCluster(uid);
    }
    for (let i = 0; i < ops.length; i += 500) await this.ctx.store.commit(ops.slice(i, i + 500));
  }
}
