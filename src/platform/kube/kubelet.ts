/**
 * The kubelets of every node, emulated as KWOK's pod stages emulate them (no containers run):
 *
 *   bound to a Ready node, Pending      → Running: containers started and ready, pod IP from the
 *                                          node's pod range, conditions as the kubelet sets them
 *   marked for deletion (graceful)      → removed (the container stop is instant here)
 *   bound to a node that no longer      → removed (the pod garbage collector's orphaned pods)
 *     exists
 *
 * Work is per cluster and batched: changes mark pods dirty, one pass commits them in batches.
 */
import { createHash } from 'node:crypto';
import type { PlatformContext } from '../services/context.js';
import { StoreConflictError, type WriteOp } from '../store/store.js';
import type { KubeCache, KubeChange } from './cache.js';
import { podIp } from './nodes/addresses.js';
import { readyStatus } from './nodes/lifecycle.js';
import { qosClass } from './pods/requests.js';
import { objectKey, resourceInfo } from './resources.js';
import { kubeTime, type Condition, type Node, type Pod, type Versioned } from './types.js';

export const KUBELET_QUEUE = 'kubeKubelet';
const BATCH = 256;

export class Kubelet {
  private readonly dirty = new Map<string, Set<string>>();
  private readonly pods = resourceInfo('pods');

  constructor(
    private readonly ctx: PlatformContext,
    private readonly cache: KubeCache,
  ) {}

  private mark(uid: string, id: string): void {
    let s = this.dirty.get(uid);
    if (!s) this.dirty.set(uid, (s = new Set()));
    s.add(id);
  }

  /** Track pods that have kubelet work; returns true when the cluster needs a pass. */
  observe(c: KubeChange): boolean {
    if (c.resource.resource === 'pods' && c.type !== 'DELETED') {
      const p = c.obj as Pod;
      if (p.metadata.deletionTimestamp || (p.spec?.nodeName && p.status?.phase === 'Pending')) {
        this.mark(c.clusterUid, c.id);
        return true;
      }
      return false;
    }
    if (c.resource.resource === 'nodes') {
      const wasReady = c.prev ? readyStatus(c.prev as Node) === 'True' : false;
      const ready = c.type !== 'DELETED' && readyStatus(c.obj as Node) === 'True';
      if (ready === wasReady && c.type !== 'DELETED') return false;
      const pods = this.cache.podsOnNode(c.clusterUid, c.obj.metadata.name);
      for (const v of pods) this.mark(c.clusterUid, `${v.obj.metadata.namespace}/${v.obj.metadata.name}`);
      return pods.length > 0;
    }
    return false;
  }

  async run(uid: string): Promise<void> {
    const ids = this.dirty.get(uid);
    if (!ids || ids.size === 0) return;
    this.dirty.delete(uid);
    let ops: WriteOp[] = [];
    const ipsInUse = new Map<string, Set<string>>();
    for (const id of [...ids].sort()) {
      const v = this.cache.get<Pod>(uid, 'pods', id);
      if (!v) continue;
      const op = this.step(uid, v, ipsInUse);
      if (op) ops.push(op);
      if (ops.length >= BATCH) {
        await this.commit(uid, ops);
        ops = [];
      }
    }
    if (ops.length) await this.commit(uid, ops);
  }

  private step(uid: string, v: Versioned<Pod>, ipsInUse: Map<string, Set<string>>): WriteOp | undefined {
    const pod = v.obj;
    const key = objectKey(uid, this.pods, pod.metadata.namespace, pod.metadata.name);
    const nodeName = pod.spec.nodeName;
    const node = nodeName ? this.cache.get<Node>(uid, 'nodes', nodeName) : undefined;
    if (pod.metadata.deletionTimestamp) return { op: 'delete', kind: this.pods.storeKind, key, expectRev: v.rev };
    if (!nodeName) return undefined;
    if (!node) return { op: 'delete', kind: this.pods.storeKind, key, expectRev: v.rev };
    if (pod.status.phase !== 'Pending' || readyStatus(node.obj) !== 'True') return undefined;
    return { op: 'put', kind: this.pods.storeKind, key, value: this.running(uid, pod, node.obj, ipsInUse), expectRev: v.rev };
  }

  /** The status a kubelet reports once every container runs. */
  private running(uid: string, pod: Pod, node: Node, ipsInUse: Map<string, Set<string>>): Pod {
    const t = kubeTime(this.ctx.clock.now());
    const hostIP = node.status.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
    let used = ipsInUse.get(node.metadata.name);
    if (!used) {
      used = new Set(this.cache.podsOnNode(uid, node.metadata.name).map((p) => p.obj.status.podIP).filter((x): x is string => !!x));
      ipsInUse.set(node.metadata.name, used);
    }
    let ip = '';
    if (node.spec.podCIDR) {
      for (let n = 0; n < 250; n++) {
        const cand = podIp(node.spec.podCIDR, n);
        if (!used.has(cand)) {
          ip = cand;
          break;
        }
      }
      used.add(ip);
    }
    const scheduled = pod.status.conditions?.find((c) => c.type === 'PodScheduled');
    const cond = (type: string): Condition => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t });
    const conditions: Condition[] = [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), scheduled ?? cond('PodScheduled')];
    const containerStatuses = pod.spec.containers.map((c) => {
      const image = normalizeImage(c.image ?? '');
      const digest = createHash('sha256').update(image).digest('hex');
      return {
        containerID: `containerd://${createHash('sha256').update(`${pod.metadata.uid}/${c.name}`).digest('hex')}`,
        image,
        imageID: `${image.replace(/:[^:/@]+$/, '')}@sha256:${digest}`,
        lastState: {},
        name: c.name,
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: t } },
      };
    });
    return {
      ...pod,
      status: {
        phase: 'Running',
        conditions,
        hostIP,
        hostIPs: [{ ip: hostIP }],
        ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
        startTime: t,
        containerStatuses,
        qosClass: pod.status.qosClass ?? qosClass(pod),
      },
    };
  }

  private async commit(uid: string, ops: WriteOp[]): Promise<void> {
    try {
      await this.ctx.store.commit(ops);
    } catch (e) {
      if (!(e instanceof StoreConflictError)) throw e;
      // One pod changed meanwhile: apply the others one by one; the changed pod is marked again by its change.
      for (const op of ops) {
        try {
          await this.ctx.store.commit([op]);
        } catch (e2) {
          if (!(e2 instanceof StoreConflictError)) throw e2;
        }
      }
      void uid;
    }
  }
}

/** containerd's view of an image reference: `nginx:1.27` → `docker.io/library/nginx:1.27`. */
export function normalizeImage(ref: string): string {
  let r = ref;
  const first = r.split('/')[0]!;
  if (!r.includes('/')) r = `docker.io/library/${r}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') r = `docker.io/${r}`;
  const last = r.split('/').pop()!;
  if (!last.includes(':') && !last.includes('@')) r = `${r}:latest`;
  return r;
}
