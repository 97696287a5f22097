/**
 * The generic object store of each cluster's API server (k8s.io/apiserver registry/generic/
 * registry.Store): get, list, create, update, guaranteed update (patch), delete — with
 * resourceVersion = Store revision, compare-and-swap writes (409 Conflict), the strategies of
 * strategies.ts, finalizers and graceful pod deletion, dry runs, and namespaces that must exist.
 *
 * Steps of a write:
 *   1. read the current object from the cache (404 / 409 AlreadyExists as appropriate),
 *   2. build the next object: system metadata kept, strategy prepares it,
 *   3. validate (422 Invalid with every field error),
 *   4. unless dry-run, commit it with compare-and-swap on the revision read in step 1,
 *   5. return the stored object and its revision (visible in the cache when commit returns).
 */
import type { PlatformContext } from '../services/context.js';
import { StoreConflictError, type WriteOp } from '../store/store.js';
import type { KubeCache } from './cache.js';
import { alreadyExists, badRequest, conflict, forbidden, KubeError, notFound } from './errors.js';
import { checkFieldSelector, fieldsOf } from './fields.js';
import { readyStatus } from './nodes/lifecycle.js';
import { objectKey, resourceInfo, type ResourceInfo } from './resources.js';
import { matchesFields, matchesLabels, type FieldSelector, type LabelSelector } from './selectors.js';
import { check, strategyFor, type Actor } from './strategies.js';
import { kubeTime, type KubeObject, type Node, type Pod, type Versioned } from './types.js';

export interface WriteOptions {
  readonly dryRun?: boolean;
  readonly actor?: Actor;
}

export interface ListOptions {
  readonly labelSelector?: LabelSelector;
  readonly fieldSelector?: FieldSelector;
  readonly limit?: number;
  readonly continue?: string;
}

export interface ListResult {
  readonly items: Versioned[];
  readonly rev: number;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

export interface DeleteOptions extends WriteOptions {
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

/** Namespaces the API server creates and never deletes. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const UNDELETABLE = new Set(['default', 'kube-system', 'kube-public']);
const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export class KubeRegistry {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly cache: KubeCache,
  ) {}

  private id(r: ResourceInfo, namespace: string | undefined, name: string): string {
    return r.namespaced ? `${namespace}/${name}` : name;
  }

  get(uid: string, r: ResourceInfo, namespace: string | undefined, name: string): Versioned {
    const v = this.cache.get(uid, r.resource, this.id(r, namespace, name));
    if (!v) throw notFound(r.resource, r.group, name);
    return v;
  }

  tryGet<T extends KubeObject>(uid: string, r: ResourceInfo, namespace: string | undefined, name: string): Versioned<T> | undefined {
    return this.cache.get<T>(uid, r.resource, this.id(r, namespace, name));
  }

  async list(uid: string, r: ResourceInfo, namespace: string | undefined, o: ListOptions = {}): Promise<ListResult> {
    if (o.fieldSelector) checkFieldSelector(r.resource, o.fieldSelector);
    const token = o.continue ? decodeContinue(o.continue) : undefined;
    const rev = token?.rv ?? (await this.ctx.store.revision());
    let all = this.cache.list(uid, r.resource, namespace);
    if (token) all = all.filter((v) => this.id(r, v.obj.metadata.namespace, v.obj.metadata.name) > token.start);
    const matched = all.filter((v) => (!o.labelSelector || matchesLabels(v.obj.metadata.labels, o.labelSelector)) && (!o.fieldSelector || matchesFields(fieldsOf(r.resource, v.obj), o.fieldSelector)));
    if (o.limit === undefined || o.limit <= 0 || matched.length <= o.limit) return { items: matched, rev };
    const items = matched.slice(0, o.limit);
    const last = items[items.length - 1]!.obj.metadata;
    return { items, rev, continue: encodeContinue(rev, this.id(r, last.namespace, last.name)), remainingItemCount: matched.length - items.length };
  }

  private requireNamespace(uid: string, r: ResourceInfo, namespace: string | undefined): void {
    if (!r.namespaced) return;
    const ns = this.cache.get(uid, 'namespaces', namespace!);
    if (!ns) throw notFound('namespaces', '', namespace!);
    if ((ns.obj as { status?: { phase?: string } }).status?.phase === 'Terminating') {
      throw forbidden(r.resource, r.group, '', `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  /** Create (steps 1–5). The object's namespace and name come from the caller, already checked against the URL. */
  async create(uid: string, r: ResourceInfo, namespace: string | undefined, input: KubeObject, o: WriteOptions = {}): Promise<Versioned> {
    const c = { now: kubeTime(this.ctx.clock.now()), actor: o.actor ?? 'user' } as const;
    this.requireNamespace(uid, r, namespace);
    if (input.metadata.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    let name = input.metadata.name;
    if (!name && input.metadata.generateName) name = input.metadata.generateName + Array.from({ length: 5 }, () => GENERATE_CHARS[Math.floor(Math.random() * GENERATE_CHARS.length)]).join('');
    const { resourceVersion: _rv, deletionTimestamp: _d, deletionGracePeriodSeconds: _g, ...meta } = input.metadata;
    let obj: KubeObject = {
      ...input,
      apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
      kind: r.kind,
      metadata: { ...meta, name: name ?? '', ...(r.namespaced ? { namespace } : {}), uid: this.ctx.ids.uuid(), creationTimestamp: c.now },
    };
    if (!r.namespaced) delete obj.metadata.namespace;
    const s = strategyFor(r);
    check(r, obj.metadata.name, s.validateCreate(obj, c));
    obj = s.prepareForCreate(obj, c);
    if (this.cache.get(uid, r.resource, this.id(r, namespace, obj.metadata.name))) throw alreadyExists(r.resource, r.group, obj.metadata.name);
    if (o.dryRun) return { rev: 0, obj };
    try {
      const rev = await this.ctx.store.commit([{ op: 'put', kind: r.storeKind, key: objectKey(uid, r, namespace, obj.metadata.name), value: obj, expectRev: 0 }]);
      return { rev, obj };
    } catch (e) {
      if (e instanceof StoreConflictError) throw alreadyExists(r.resource, r.group, obj.metadata.name);
      throw e;
    }
  }

  /** Replace (PUT) the object or its status; `resourceVersion` in the body, when set, must be current. */
  async update(uid: string, r: ResourceInfo, namespace: string | undefined, name: string, input: KubeObject, subresource?: 'status', o: WriteOptions = {}): Promise<Versioned> {
    const cur = this.get(uid, r, namespace, name);
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== String(cur.rev)) throw conflict(r.resource, r.group, name);
    return this.write(uid, r, namespace, name, cur, input, subresource, o);
  }

  /** Read-modify-write retried on conflicts (kube's GuaranteedUpdate), for patches and controllers. */
  async guaranteedUpdate(uid: string, r: ResourceInfo, namespace: string | undefined, name: string, fn: (cur: KubeObject, rev: number) => KubeObject | undefined, subresource?: 'status', o: WriteOptions = {}): Promise<Versioned> {
    for (let attempt = 0; ; attempt++) {
      const cur = this.get(uid, r, namespace, name);
      const next = fn(structuredClone(cur.obj), cur.rev);
      if (next === undefined) return cur;
      if (next.metadata?.resourceVersion && next.metadata.resourceVersion !== String(cur.rev)) throw conflict(r.resource, r.group, name);
      try {
        return await this.write(uid, r, namespace, name, cur, next, subresource, o);
      } catch (e) {
        if (!(e instanceof KubeError && e.reason === 'Conflict' && attempt < 5 && !next.metadata?.resourceVersion)) throw e;
      }
    }
  }

  private async write(uid: string, r: ResourceInfo, namespace: string | undefined, name: string, cur: Versioned, input: KubeObject, subresource: 'status' | undefined, o: WriteOptions): Promise<Versioned> {
    // rest.checkName: the body's name must be the URL's (an empty one too).
    if ((input.metadata?.name ?? '') !== name) throw badRequest(`the name of the object (${input.metadata?.name ?? ''}) does not match the name on the URL (${name})`);
    if (r.namespaced && input.metadata?.namespace !== undefined && input.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const c = { now: kubeTime(this.ctx.clock.now()), actor: o.actor ?? 'user' } as const;
    const p = cur.obj.metadata;
    const { resourceVersion: _rv, ...meta } = input.metadata ?? ({} as KubeObject['metadata']);
    let next: KubeObject = {
      ...input,
      apiVersion: cur.obj.apiVersion,
      kind: cur.obj.kind,
      metadata: {
        ...meta,
        name,
        ...(r.namespaced ? { namespace } : {}),
        uid: p.uid,
        creationTimestamp: p.creationTimestamp,
        ...(p.deletionTimestamp ? { deletionTimestamp: p.deletionTimestamp, deletionGracePeriodSeconds: p.deletionGracePeriodSeconds } : {}),
        ...(p.generateName ? { generateName: p.generateName } : {}),
      },
    };
    if (!next.metadata.deletionTimestamp) delete next.metadata.deletionTimestamp;
    const s = strategyFor(r);
    next = s.prepareForUpdate(next, cur.obj, subresource, c);
    if (subresource === 'status') next = { ...next, metadata: cur.obj.metadata };
    check(r, name, s.validateUpdate(next, cur.obj, c));
    if (JSON.stringify(next) === JSON.stringify(cur.obj)) return cur;
    const key = objectKey(uid, r, namespace, name);
    // An object being deleted goes once its last finalizer is removed.
    const finalize = next.metadata.deletionTimestamp && !(next.metadata.finalizers?.length) && r.resource !== 'pods';
    if (o.dryRun) return { rev: cur.rev, obj: next };
    try {
      const op: WriteOp = finalize ? { op: 'delete', kind: r.storeKind, key, expectRev: cur.rev } : { op: 'put', kind: r.storeKind, key, value: next, expectRev: cur.rev };
      const rev = await this.ctx.store.commit([op]);
      return { rev, obj: next };
    } catch (e) {
      if (e instanceof StoreConflictError) throw e.actual === 0 ? notFound(r.resource, r.group, name) : conflict(r.resource, r.group, name);
      throw e;
    }
  }

  /** The pods/binding subresource: assign an unassigned pod to a node (spec.nodeName and PodScheduled=True). */
  async bindPod(uid: string, namespace: string, name: string, nodeName: string): Promise<Versioned> {
    const r = resourceInfo('pods');
    for (let attempt = 0; ; attempt++) {
      const cur = this.get(uid, r, namespace, name) as Versioned<Pod>;
      const p = cur.obj;
      if (p.metadata.deletionTimestamp) throw conflict('pods/binding', '', name, `pod ${name} is being deleted, cannot be assigned to a host`);
      if (p.spec.nodeName) throw conflict('pods/binding', '', name, `pod ${name} is already assigned to node "${p.spec.nodeName}"`);
      const t = kubeTime(this.ctx.clock.now());
      const conditions = (p.status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t });
      const next: Pod = { ...p, spec: { ...p.spec, nodeName }, status: { ...p.status, conditions } };
      try {
        const rev = await this.ctx.store.commit([{ op: 'put', kind: r.storeKind, key: objectKey(uid, r, namespace, name), value: next, expectRev: cur.rev }]);
        return { rev, obj: next };
      } catch (e) {
        if (!(e instanceof StoreConflictError) || attempt >= 5) throw e;
      }
    }
  }

  /**
   * Delete. Pods bound to a node that is up terminate gracefully (deletionTimestamp set; the
   * kubelet removes them); objects with finalizers wait for them; namespaces take their
   * content with them. Returns the object as deleted (or as marked) and whether it is gone.
   */
  async delete(uid: string, r: ResourceInfo, namespace: string | undefined, name: string, o: DeleteOptions = {}): Promise<{ obj: KubeObject; rev: number; gone: boolean }> {
    const cur = this.get(uid, r, namespace, name);
    const pre = o.preconditions;
    if (pre?.uid && pre.uid !== cur.obj.metadata.uid) {
      throw conflict(r.resource, r.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.obj.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== String(cur.rev)) {
      throw conflict(r.resource, r.group, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.rev}`);
    }
    if (r.resource === 'namespaces' && UNDELETABLE.has(name)) throw forbidden('namespaces', '', name, 'this namespace may not be deleted');
    const key = objectKey(uid, r, namespace, name);
    const now = this.ctx.clock.now();
    if (r.resource === 'namespaces') return this.deleteNamespace(uid, cur, o);
    const graceful = r.resource === 'pods' ? this.podGrace(uid, cur.obj as Pod, o.gracePeriodSeconds) : 0;
    const finalizers = cur.obj.metadata.finalizers ?? [];
    if (graceful > 0 || finalizers.length) {
      if (cur.obj.metadata.deletionTimestamp) return { obj: cur.obj, rev: cur.rev, gone: false };
      const marked: KubeObject = { ...cur.obj, metadata: { ...cur.obj.metadata, deletionTimestamp: kubeTime(now + graceful * 1000), deletionGracePeriodSeconds: graceful } };
      if (o.dryRun) return { obj: marked, rev: cur.rev, gone: false };
      const rev = await this.commitOrConflict(r, name, [{ op: 'put', kind: r.storeKind, key, value: marked, expectRev: cur.rev }]);
      return { obj: marked, rev, gone: false };
    }
    if (o.dryRun) return { obj: cur.obj, rev: cur.rev, gone: true };
    const rev = await this.commitOrConflict(r, name, [{ op: 'delete', kind: r.storeKind, key, expectRev: cur.rev }]);
    return { obj: cur.obj, rev, gone: true };
  }

  /** Grace period of a pod deletion: 0 for pods not running on a live node (the API server's rule for unscheduled pods). */
  private podGrace(uid: string, pod: Pod, requested: number | undefined): number {
    const node = pod.spec.nodeName ? this.cache.get<Node>(uid, 'nodes', pod.spec.nodeName) : undefined;
    if (!node || readyStatus(node.obj) !== 'True') return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    return Math.max(0, requested ?? pod.spec.terminationGracePeriodSeconds ?? 30);
  }

  private async deleteNamespace(uid: string, cur: Versioned, o: DeleteOptions): Promise<{ obj: KubeObject; rev: number; gone: boolean }> {
    const name = cur.obj.metadata.name;
    if (o.dryRun) return { obj: cur.obj, rev: cur.rev, gone: true };
    const ops: WriteOp[] = [];
    for (const rn of ['pods', 'events', 'leases'] as const) {
      const rr = resourceInfo(rn);
      for (const v of this.cache.list(uid, rn, name)) ops.push({ op: 'delete', kind: rr.storeKind, key: objectKey(uid, rr, name, v.obj.metadata.name) });
    }
    ops.push({ op: 'delete', kind: resourceInfo('namespaces').storeKind, key: objectKey(uid, resourceInfo('namespaces'), undefined, name), expectRev: cur.rev });
    const rev = await this.commitOrConflict(resourceInfo('namespaces'), name, ops);
    return { obj: { ...cur.obj, status: { phase: 'Terminating' } }, rev, gone: true };
  }

  private async commitOrConflict(r: ResourceInfo, name: string, ops: WriteOp[]): Promise<number> {
    try {
      return await this.ctx.store.commit(ops);
    } catch (e) {
      if (e instanceof StoreConflictError) throw e.actual === 0 ? notFound(r.resource, r.group, name) : conflict(r.resource, r.group, name);
      throw e;
    }
  }
}

/** Continue tokens, shaped like the API server's (base64 of {"v","rv","start"}). */
export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

export function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; rv?: unknown; start?: unknown };
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad token');
    return { rv: t.rv, start: t.start };
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}
