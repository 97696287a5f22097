/**
 * The in-memory view of every cluster's Kubernetes objects — what kube-apiserver's watch cache
 * is to etcd. It is loaded from the Store at start and kept current by the Store's change feed
 * (every commit notifies synchronously, so a write is visible here as soon as `commit`
 * returns). Lists, the scheduler and drains read it instead of parsing stored JSON.
 *
 * Indices: objects per cluster and resource (sorted key order rebuilt lazily, as etcd lists
 * in key order), and pods per node (drain, describe, scheduler accounting).
 */
import type { Change, Store } from '../store/store.js';
import { RESOURCES, parseObjectKey, resourceOfStoreKind, type ResourceInfo, type ResourceName } from './resources.js';
import type { KubeObject, Pod, Versioned } from './types.js';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change to a Kubernetes object, as watches and controllers see it. */
export interface KubeChange {
  readonly type: WatchType;
  readonly rev: number;
  readonly clusterUid: string;
  readonly resource: ResourceInfo;
  /** `name` or `namespace/name` within the cluster. */
  readonly id: string;
  readonly obj: KubeObject;
  readonly prev?: KubeObject;
}

interface Table {
  readonly byId: Map<string, Versioned>;
  sorted: string[] | null;
}

export class KubeCache {
  private readonly clusters = new Map<string, Map<ResourceName, Table>>();
  /** clusterUid → node name → pod ids bound there. */
  private readonly podsByNode = new Map<string, Map<string, Set<string>>>();

  /** Load every Kubernetes object from the Store (start-up). */
  async load(store: Store): Promise<void> {
    for (const r of RESOURCES) {
      for (const o of await store.list<KubeObject>(r.storeKind)) this.put(r, o.key, { rev: o.rev, obj: o.value });
    }
  }

  private table(clusterUid: string, resource: ResourceName, create: boolean): Table | undefined {
    let c = this.clusters.get(clusterUid);
    if (!c) {
      if (!create) return undefined;
      this.clusters.set(clusterUid, (c = new Map()));
    }
    let t = c.get(resource);
    if (!t && create) c.set(resource, (t = { byId: new Map(), sorted: null }));
    return t;
  }

  private idOf(r: ResourceInfo, key: string): { clusterUid: string; id: string } {
    const p = parseObjectKey(key, r.namespaced);
    return { clusterUid: p.clusterUid, id: r.namespaced ? `${p.namespace}/${p.name}` : p.name };
  }

  private put(r: ResourceInfo, key: string, v: Versioned): Versioned | undefined {
    const { clusterUid, id } = this.idOf(r, key);
    const t = this.table(clusterUid, r.resource, true)!;
    const prev = t.byId.get(id);
    if (!prev) t.sorted = null;
    t.byId.set(id, v);
    if (r.resource === 'pods') this.indexPod(clusterUid, id, prev?.obj as Pod | undefined, v.obj as Pod);
    return prev;
  }

  private remove(r: ResourceInfo, key: string): Versioned | undefined {
    const { clusterUid, id } = this.idOf(r, key);
    const t = this.table(clusterUid, r.resource, false);
    const prev = t?.byId.get(id);
    if (!t || !prev) return undefined;
    t.byId.delete(id);
    t.sorted = null;
    if (r.resource === 'pods') this.indexPod(clusterUid, id, prev.obj as Pod, undefined);
    return prev;
  }

  private indexPod(clusterUid: string, id: string, before: Pod | undefined, after: Pod | undefined): void {
    const was = before?.spec?.nodeName;
    const now = after?.spec?.nodeName;
    if (was === now) return;
    let byNode = this.podsByNode.get(clusterUid);
    if (!byNode) this.podsByNode.set(clusterUid, (byNode = new Map()));
    if (was) {
      const s = byNode.get(was);
      s?.delete(id);
      if (s && s.size === 0) byNode.delete(was);
    }
    if (now) {
      let s = byNode.get(now);
      if (!s) byNode.set(now, (s = new Set()));
      s.add(id);
    }
  }

  /** Apply committed Store changes; returns the Kubernetes changes among them, in order. */
  apply(changes: readonly Change[]): KubeChange[] {
    const out: KubeChange[] = [];
    for (const c of changes) {
      const r = resourceOfStoreKind(c.kind);
      if (!r) continue;
      const { clusterUid, id } = this.idOf(r, c.key);
      if (c.type === 'put') {
        const obj = c.value as KubeObject;
        const prev = this.put(r, c.key, { rev: c.rev, obj });
        out.push({ type: prev ? 'MODIFIED' : 'ADDED', rev: c.rev, clusterUid, resource: r, id, obj, ...(prev ? { prev: prev.obj } : {}) });
      } else {
        const prev = this.remove(r, c.key);
        out.push({ type: 'DELETED', rev: c.rev, clusterUid, resource: r, id, obj: (prev?.obj ?? c.value) as KubeObject });
      }
    }
    return out;
  }

  get<T extends KubeObject = KubeObject>(clusterUid: string, resource: ResourceName, id: string): Versioned<T> | undefined {
    return this.table(clusterUid, resource, false)?.byId.get(id) as Versioned<T> | undefined;
  }

  /** Objects in key order, optionally within one namespace. */
  list<T extends KubeObject = KubeObject>(clusterUid: string, resource: ResourceName, namespace?: string): Versioned<T>[] {
    const t = this.table(clusterUid, resource, false);
    if (!t) return [];
    if (!t.sorted) t.sorted = [...t.byId.keys()].sort();
    const ids = namespace === undefined ? t.sorted : t.sorted.filter((id) => id.startsWith(`${namespace}/`));
    return ids.map((id) => t.byId.get(id)! as Versioned<T>);
  }

  count(clusterUid: string, resource: ResourceName): number {
    return this.table(clusterUid, resource, false)?.byId.size ?? 0;
  }

  /** Pods bound to a node (spec.nodeName), any phase. */
  podsOnNode(clusterUid: string, nodeName: string): Versioned<Pod>[] {
    const ids = this.podsByNode.get(clusterUid)?.get(nodeName);
    if (!ids) return [];
    const t = this.table(clusterUid, 'pods', false)!;
    return [...ids].sort().map((id) => t.byId.get(id)! as Versioned<Pod>);
  }

  clusterUids(): string[] {
    return [...this.clusters.keys()];
  }
}
