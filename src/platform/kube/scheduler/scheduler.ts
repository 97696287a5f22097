/**
 * The scheduler (kube-scheduler's scheduling cycle for the default profile): pending pods of a
 * cluster are bound to nodes that pass every filter, best score first.
 *
 * Steps of a pass over a cluster (`run`):
 *   1. take the pods due for an attempt (active queue), highest priority first, then oldest,
 *   2. narrow the nodes by the pod's nodeSelector with the label index, then search from where
 *      the last search stopped until numFeasibleNodesToFind nodes pass the filters,
 *   3. score them and pick the best; count the pod against the node at once (assume),
 *   4. none: diagnose every node in plugin order, record FailedScheduling and the PodScheduled=False
 *      condition, and park the pod until the cluster changes (with back-off 1 s … 10 s),
 *   5. commit bindings (nodeName + PodScheduled=True + a Scheduled event) in batches.
 * Node changes and pod deletions move parked pods back to the active queue (kube-scheduler's
 * MoveAllToActiveOrBackoffQueue); nothing here is quadratic in nodes or pods.
 */
import type { PlatformContext } from '../../services/context.js';
import { StoreConflictError, type WriteOp } from '../../store/store.js';
import type { KubeCache, KubeChange } from '../cache.js';
import type { EventRecorder } from '../events.js';
import { podRequests } from '../pods/requests.js';
import { objectKey, resourceInfo } from '../resources.js';
import { kubeTime, type Condition, type Node, type Pod } from '../types.js';
import { feasibleNodesToFind, filter, fitErrorMessage, pickBest, type PodFacts } from './plugins.js';
import { ClusterSnapshot, DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, type NodeInfo } from './snapshot.js';

export const SCHEDULER_QUEUE = 'kubeScheduler';
const BATCH = 256;
const SOURCE = { component: 'default-scheduler' };

interface Parked {
  attempts: number;
  /** End of the back-off. */
  until: number;
  /** When it was parked (kube-scheduler retries every unschedulable pod after 5 minutes regardless). */
  since: number;
  /** A cluster change arrived during the back-off: retry when it ends. */
  woken: boolean;
}

/** podMaxInUnschedulablePodsDuration. */
const MAX_PARKED_MS = 5 * 60_000;

interface Queues {
  readonly active: Set<string>;
  readonly parked: Map<string, Parked>;
}

export class Scheduler {
  private readonly snapshots = new Map<string, ClusterSnapshot>();
  private readonly queues = new Map<string, Queues>();
  private readonly pods = resourceInfo('pods');

  constructor(
    private readonly ctx: PlatformContext,
    private readonly cache: KubeCache,
    private readonly events: EventRecorder,
  ) {}

  snapshot(uid: string): ClusterSnapshot {
    let s = this.snapshots.get(uid);
    if (!s) this.snapshots.set(uid, (s = new ClusterSnapshot()));
    return s;
  }

  private q(uid: string): Queues {
    let q = this.queues.get(uid);
    if (!q) this.queues.set(uid, (q = { active: new Set(), parked: new Map() }));
    return q;
  }

  /** Pending pods this scheduler is responsible for. */
  static wants(pod: Pod): boolean {
    return !pod.spec?.nodeName && !pod.metadata.deletionTimestamp && (pod.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler' && (pod.status?.phase ?? 'Pending') === 'Pending';
  }

  /** Keep the snapshot and queues current; returns true when the cluster needs a pass. */
  observe(c: KubeChange): boolean {
    const s = this.snapshot(c.clusterUid);
    if (c.resource.resource === 'nodes') {
      if (c.type === 'DELETED') {
        s.removeNode(c.obj.metadata.name);
        return false;
      }
      const existed = s.nodes.has(c.obj.metadata.name);
      s.upsertNode(c.obj as Node);
      if (!existed) s.recount(c.obj.metadata.name);
      return this.wake(c.clusterUid, c.prev ? relevantNodeChange(c.prev as Node, c.obj as Node) : true);
    }
    if (c.resource.resource !== 'pods') return false;
    const pod = c.obj as Pod;
    const q = this.q(c.clusterUid);
    if (c.type === 'DELETED') {
      s.account(c.id, undefined, undefined);
      q.active.delete(c.id);
      q.parked.delete(c.id);
      return this.wake(c.clusterUid, true);
    }
    const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    s.account(c.id, terminal ? undefined : pod, terminal ? undefined : pod.spec?.nodeName);
    if (Scheduler.wants(pod)) {
      // An update of the pod's spec (a new toleration, a relaxed selector) is worth a retry now.
      if (c.prev && JSON.stringify((c.prev as Pod).spec) !== JSON.stringify(pod.spec)) q.parked.delete(c.id);
      if (!q.parked.has(c.id)) q.active.add(c.id);
      return c.type === 'ADDED' || q.active.has(c.id);
    }
    q.active.delete(c.id);
    q.parked.delete(c.id);
    return terminal && (c.prev as Pod | undefined)?.status?.phase !== pod.status?.phase ? this.wake(c.clusterUid, true) : false;
  }

  /** A change that may make parked pods schedulable: move those past their back-off to active. */
  private wake(uid: string, relevant: boolean): boolean {
    if (!relevant) return false;
    const q = this.q(uid);
    if (q.parked.size === 0) return false;
    const now = this.ctx.clock.now();
    let soonest = Infinity;
    for (const [id, p] of q.parked) {
      if (p.until <= now) q.active.add(id);
      else {
        p.woken = true;
        soonest = Math.min(soonest, p.until);
      }
    }
    if (Number.isFinite(soonest)) this.ctx.queue.enqueueAt(SCHEDULER_QUEUE, uid, soonest);
    return q.active.size > 0;
  }

  /** Timer wake-up: pods woken during their back-off, and pods parked for five minutes. */
  private releaseDue(uid: string): void {
    const q = this.q(uid);
    const now = this.ctx.clock.now();
    for (const [id, p] of q.parked) if ((p.woken && p.until <= now) || now - p.since >= MAX_PARKED_MS) q.active.add(id);
  }

  async run(uid: string): Promise<void> {
    this.releaseDue(uid);
    const q = this.q(uid);
    if (q.active.size === 0) return;
    const s = this.snapshot(uid);
    // 1.
    const due = [...q.active].map((id) => this.cache.get<Pod>(uid, 'pods', id)).filter((v): v is NonNullable<typeof v> => !!v && Scheduler.wants(v.obj));
    q.active.clear();
    due.sort((a, b) => (b.obj.spec.priority ?? 0) - (a.obj.spec.priority ?? 0) || a.obj.metadata.creationTimestamp.localeCompare(b.obj.metadata.creationTimestamp) || a.rev - b.rev);
    let batch: { ops: WriteOp[]; ids: string[] } = { ops: [], ids: [] };
    // Scheduled events go out after the bindings, as kube-scheduler's event broadcaster sends them asynchronously.
    const scheduledEvents: { pod: Pod; message: string }[] = [];
    const t = kubeTime(this.ctx.clock.now());
    for (const v of due) {
      const id = `${v.obj.metadata.namespace}/${v.obj.metadata.name}`;
      const facts = podFacts(v.obj);
      const node = facts ? this.place(s, facts) : undefined;
      if (node) {
        // 3.
        s.account(id, v.obj, node.name);
        q.parked.delete(id);
        const bound: Pod = { ...v.obj, spec: { ...v.obj.spec, nodeName: node.name }, status: { ...v.obj.status, conditions: setCondition(v.obj.status.conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t }) } };
        batch.ops.push({ op: 'put', kind: this.pods.storeKind, key: objectKey(uid, this.pods, v.obj.metadata.namespace, v.obj.metadata.name), value: bound, expectRev: v.rev });
        scheduledEvents.push({ pod: v.obj, message: `Successfully assigned ${id} to ${node.name}` });
        batch.ids.push(id);
      } else {
        // 4.
        const message = facts ? fitErrorMessage(s.nodes.size, s.order.map((n) => filter(facts, n))) : `0/${s.nodes.size} nodes are available: pod has invalid resource requests.`;
        const now = this.ctx.clock.now();
        const p = q.parked.get(id) ?? { attempts: 0, until: 0, since: now, woken: false };
        p.attempts++;
        p.until = now + Math.min(10_000, 1000 * 2 ** (p.attempts - 1));
        p.since = now;
        p.woken = false;
        q.parked.set(id, p);
        this.ctx.queue.enqueueAt(SCHEDULER_QUEUE, uid, now + MAX_PARKED_MS);
        const cond: Condition = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: t, reason: 'Unschedulable', message };
        const prev = v.obj.status.conditions?.find((c) => c.type === 'PodScheduled');
        if (!prev || prev.status !== 'False' || prev.message !== message) {
          const failed: Pod = { ...v.obj, status: { ...v.obj.status, conditions: setCondition(v.obj.status.conditions, cond) } };
          batch.ops.push({ op: 'put', kind: this.pods.storeKind, key: objectKey(uid, this.pods, v.obj.metadata.namespace, v.obj.metadata.name), value: failed, expectRev: v.rev });
        }
        batch.ops.push(this.events.record(uid, v.obj, 'Warning', 'FailedScheduling', message, SOURCE));
        batch.ids.push(id);
      }
      if (batch.ids.length >= BATCH) {
        await this.commit(uid, batch);
        batch = { ops: [], ids: [] };
      }
    }
    // 5.
    if (batch.ops.length) await this.commit(uid, batch);
    for (let i = 0; i < scheduledEvents.length; i += 1000) {
      await this.ctx.store.commit(scheduledEvents.slice(i, i + 1000).map((e) => this.events.record(uid, e.pod, 'Normal', 'Scheduled', e.message, SOURCE)));
    }
  }

  /** Step 2–3 for one pod: the chosen node, or undefined when none fits. */
  private place(s: ClusterSnapshot, facts: PodFacts): NodeInfo | undefined {
    const candidates = s.nodesMatching(facts.nodeSelector);
    const n = candidates.length;
    if (n === 0) return undefined;
    const want = feasibleNodesToFind(s.nodes.size);
    const feasible: NodeInfo[] = [];
    const start = s.nextStart % n;
    let i = 0;
    for (; i < n && feasible.length < want; i++) {
      const info = candidates[(start + i) % n]!;
      if (filter(facts, info, true).ok) feasible.push(info);
    }
    s.nextStart = (start + i) % Math.max(1, n);
    return feasible.length ? pickBest(facts, feasible) : undefined;
  }

  private async commit(uid: string, batch: { ops: WriteOp[]; ids: string[] }): Promise<void> {
    try {
      await this.ctx.store.commit(batch.ops);
    } catch (e) {
      if (!(e instanceof StoreConflictError)) throw e;
      // Someone changed one of these pods meanwhile: forget the assumptions and try them again.
      const s = this.snapshot(uid);
      const q = this.q(uid);
      for (const id of batch.ids) {
        const cur = this.cache.get<Pod>(uid, 'pods', id);
        s.account(id, cur?.obj, cur?.obj.spec.nodeName);
        q.parked.delete(id);
        if (cur && Scheduler.wants(cur.obj)) q.active.add(id);
      }
      this.ctx.queue.enqueue(SCHEDULER_QUEUE, uid);
    }
  }

  /** Pods currently parked as unschedulable (for tests and diagnostics). */
  parked(uid: string): string[] {
    return [...this.q(uid).parked.keys()];
  }

  forgetCluster(uid: string): void {
    this.snapshots.delete(uid);
    this.queues.delete(uid);
  }
}

function podFacts(pod: Pod): PodFacts | undefined {
  try {
    const r = podRequests(pod);
    return {
      pod,
      cpu: r.cpu,
      mem: r.memory,
      nzCpu: r.cpu || DEFAULT_MILLI_CPU_REQUEST,
      nzMem: r.memory || DEFAULT_MEMORY_REQUEST,
      tolerations: pod.spec.tolerations ?? [],
      nodeSelector: pod.spec.nodeSelector ?? {},
      requiredTerms: pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    };
  } catch {
    return undefined;
  }
}

function setCondition(list: readonly Condition[] | undefined, c: Condition): Condition[] {
  const out = (list ?? []).filter((x) => x.type !== c.type);
  out.push(c);
  return out;
}

/** Node changes that can make a pod fit: labels, taints, cordon, readiness, allocatable. */
function relevantNodeChange(a: Node, b: Node): boolean {
  return (
    JSON.stringify(a.metadata.labels) !== JSON.stringify(b.metadata.labels) ||
    JSON.stringify(a.spec?.taints) !== JSON.stringify(b.spec?.taints) ||
    !!a.spec?.unschedulable !== !!b.spec?.unschedulable ||
    JSON.stringify(a.status?.allocatable) !== JSON.stringify(b.status?.allocatable)
  );
}
