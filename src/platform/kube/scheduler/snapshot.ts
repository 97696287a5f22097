/**
 * The scheduler's view of one cluster (kube-scheduler's cache and NodeInfo): every node with
 * its allocatable resources, what bound pods request on it, and a label index so that a pod's
 * nodeSelector narrows the search to matching nodes without scanning the cluster. Kept
 * current incrementally from object changes; a pod is counted once, by id, so assuming a
 * binding before it commits and then seeing it commit does not count it twice.
 */
import { parseMilli, parseValue } from '../quantity.js';
import { podRequests } from '../pods/requests.js';
import { readyStatus } from '../nodes/lifecycle.js';
import type { Node, Pod, Taint } from '../types.js';

export interface NodeInfo {
  readonly name: string;
  node: Node;
  labels: Readonly<Record<string, string>>;
  taints: readonly Taint[];
  unschedulable: boolean;
  ready: boolean;
  allocCpu: number;
  allocMem: number;
  allocPods: number;
  reqCpu: number;
  reqMem: number;
  /** Requests with kube-scheduler's non-zero defaults (100m CPU, 200 MiB) for scoring. */
  nzCpu: number;
  nzMem: number;
  pods: number;
  /** Lowest priority of the pods bound here (preemption hints). */
  index: number;
}

interface Counted {
  readonly node: string;
  readonly cpu: number;
  readonly mem: number;
  readonly nzCpu: number;
  readonly nzMem: number;
}

export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export class ClusterSnapshot {
  readonly nodes = new Map<string, NodeInfo>();
  private orderCache: NodeInfo[] | null = null;
  /** label key → value → node names */
  private readonly labelIndex = new Map<string, Map<string, Set<string>>>();
  private labelVersion = 0;
  private readonly selectorCache = new Map<string, { version: number; nodes: NodeInfo[] }>();
  private readonly counted = new Map<string, Counted>();
  private readonly countedByNode = new Map<string, Set<string>>();
  /** kube-scheduler's nextStartNodeIndex: searches resume where the last one stopped. */
  nextStart = 0;

  get order(): NodeInfo[] {
    if (!this.orderCache) this.orderCache = [...this.nodes.values()];
    return this.orderCache;
  }

  upsertNode(node: Node): void {
    const name = node.metadata.name;
    const old = this.nodes.get(name);
    const a = node.status?.allocatable ?? {};
    const safe = (f: () => number) => {
      try {
        return f();
      } catch {
        return 0;
      }
    };
    const info: NodeInfo = {
      name,
      node,
      labels: node.metadata.labels ?? {},
      taints: node.spec?.taints ?? [],
      unschedulable: !!node.spec?.unschedulable,
      ready: readyStatus(node) === 'True',
      allocCpu: safe(() => parseMilli(a.cpu ?? '0')),
      allocMem: safe(() => parseValue(a.memory ?? '0')),
      allocPods: safe(() => parseValue(a.pods ?? '0')),
      reqCpu: old?.reqCpu ?? 0,
      reqMem: old?.reqMem ?? 0,
      nzCpu: old?.nzCpu ?? 0,
      nzMem: old?.nzMem ?? 0,
      pods: old?.pods ?? 0,
      index: old?.index ?? this.nodes.size,
    };
    if (old) {
      if (JSON.stringify(old.labels) !== JSON.stringify(info.labels)) {
        this.unindexLabels(name, old.labels);
        this.indexLabels(name, info.labels);
      }
      Object.assign(old, info);
    } else {
      this.nodes.set(name, info);
      this.orderCache = null;
      this.indexLabels(name, info.labels);
    }
  }

  removeNode(name: string): void {
    const old = this.nodes.get(name);
    if (!old) return;
    this.unindexLabels(name, old.labels);
    this.nodes.delete(name);
    this.orderCache = null;
  }

  private indexLabels(name: string, labels: Readonly<Record<string, string>>): void {
    this.labelVersion++;
    for (const [k, v] of Object.entries(labels)) {
      let byValue = this.labelIndex.get(k);
      if (!byValue) this.labelIndex.set(k, (byValue = new Map()));
      let set = byValue.get(v);
      if (!set) byValue.set(v, (set = new Set()));
      set.add(name);
    }
  }

  private unindexLabels(name: string, labels: Readonly<Record<string, string>>): void {
    this.labelVersion++;
    for (const [k, v] of Object.entries(labels)) this.labelIndex.get(k)?.get(v)?.delete(name);
  }

  /** Nodes carrying every `key=value` of a nodeSelector, in a stable order (cached per selector). */
  nodesMatching(selector: Readonly<Record<string, string>>): NodeInfo[] {
    const keys = Object.keys(selector).sort();
    if (keys.length === 0) return this.order;
    const sig = keys.map((k) => `${k}=${selector[k]}`).join(',');
    const hit = this.selectorCache.get(sig);
    if (hit && hit.version === this.labelVersion) return hit.nodes;
    const sets = keys.map((k) => this.labelIndex.get(k)?.get(selector[k]!) ?? new Set<string>()).sort((x, y) => x.size - y.size);
    const out: NodeInfo[] = [];
    for (const name of sets[0]!) if (sets.every((s) => s.has(name))) out.push(this.nodes.get(name)!);
    out.sort((x, y) => x.index - y.index);
    this.selectorCache.set(sig, { version: this.labelVersion, nodes: out });
    return out;
  }

  /** Count (or re-count) a pod against its node; `undefined` node forgets it. */
  account(podId: string, pod: Pod | undefined, nodeName: string | undefined): void {
    const old = this.counted.get(podId);
    // A bound pod's requests never change: seeing the binding the scheduler assumed is a no-op.
    if (old && pod && old.node === nodeName) return;
    if (old) {
      const n = this.nodes.get(old.node);
      if (n) {
        n.reqCpu -= old.cpu;
        n.reqMem -= old.mem;
        n.nzCpu -= old.nzCpu;
        n.nzMem -= old.nzMem;
        n.pods--;
      }
      this.counted.delete(podId);
      this.countedByNode.get(old.node)?.delete(podId);
    }
    if (!pod || !nodeName) return;
    let r = { cpu: 0, memory: 0 };
    try {
      r = podRequests(pod);
    } catch {
      // A pod with unparsable requests was refused at creation; count it as requesting nothing.
    }
    const c: Counted = { node: nodeName, cpu: r.cpu, mem: r.memory, nzCpu: r.cpu || DEFAULT_MILLI_CPU_REQUEST, nzMem: r.memory || DEFAULT_MEMORY_REQUEST };
    this.counted.set(podId, c);
    let ids = this.countedByNode.get(nodeName);
    if (!ids) this.countedByNode.set(nodeName, (ids = new Set()));
    ids.add(podId);
    const n = this.nodes.get(nodeName);
    if (n) {
      n.reqCpu += c.cpu;
      n.reqMem += c.mem;
      n.nzCpu += c.nzCpu;
      n.nzMem += c.nzMem;
      n.pods++;
    }
  }

  /** Re-apply the counted pods of a node that (re)appeared. */
  recount(nodeName: string): void {
    const n = this.nodes.get(nodeName);
    if (!n) return;
    n.reqCpu = n.reqMem = n.nzCpu = n.nzMem = n.pods = 0;
    for (const id of this.countedByNode.get(nodeName) ?? []) {
      const c = this.counted.get(id)!;
      n.reqCpu += c.cpu;
      n.reqMem += c.mem;
      n.nzCpu += c.nzCpu;
      n.nzMem += c.nzMem;
      n.pods++;
    }
  }

  isCounted(podId: string): boolean {
    return this.counted.has(podId);
  }
}
