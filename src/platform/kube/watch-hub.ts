/**
 * Watches (API concepts, "Efficient detection of changes"): a bounded history of recent
 * changes, like kube-apiserver's watch cache, so that a client can resume from the
 * resourceVersion of its last list; older versions answer 410 Gone ("too old resource
 * version"), which every client handles by listing again.
 *
 * Steps of `watch`:
 *   1. `resourceVersion` unset or "0": synthetic ADDED events for every matching object, then live changes,
 *   2. `resourceVersion` N: every retained change after N (410 if N is older than the history), then live changes,
 *   3. with selectors, an object that starts matching arrives as ADDED and one that stops matching as
 *      DELETED (the watch cache does the same with the previous object).
 * Registration and replay are synchronous, and changes are published synchronously from the
 * Store's commit notification, so no change can fall between the replay and the live feed.
 */
import type { KubeCache, KubeChange, WatchType } from './cache.js';
import { tooOld } from './errors.js';
import type { ResourceName } from './resources.js';
import type { KubeObject } from './types.js';

export interface WatchFilter {
  readonly clusterUid: string;
  readonly resource: ResourceName;
  readonly namespace?: string;
  /** Label/field selector match; everything matches when absent. */
  readonly match?: (obj: KubeObject) => boolean;
}

export type WatchSink = (type: WatchType, obj: KubeObject, rev: number) => void;

interface Watcher {
  readonly filter: WatchFilter;
  readonly sink: WatchSink;
}

export class WatchHub {
  private readonly ring: (KubeChange | undefined)[];
  private start = 0;
  private size = 0;
  private readonly watchers = new Set<Watcher>();

  /** @param oldestRev the revision from which history is complete (the Store revision at load time). */
  constructor(
    private oldestRev: number,
    private readonly cache: KubeCache,
    capacity = 50_000,
  ) {
    this.ring = new Array(capacity);
  }

  /** The oldest resourceVersion a watch may resume from. */
  get oldest(): number {
    return this.oldestRev;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  publish(changes: readonly KubeChange[]): void {
    for (const c of changes) {
      if (this.size === this.ring.length) {
        this.oldestRev = this.ring[this.start]!.rev;
        this.start = (this.start + 1) % this.ring.length;
        this.size--;
      }
      this.ring[(this.start + this.size) % this.ring.length] = c;
      this.size++;
      for (const w of this.watchers) deliver(w, c);
    }
  }

  /** Start a watch (steps 1–3). Throws KubeError Expired when `fromRev` is too old. Returns the stop function. */
  watch(filter: WatchFilter, fromRev: number | undefined, sink: WatchSink): () => void {
    if (fromRev === undefined || fromRev === 0) {
      // 1.
      const objs = this.cache.list(filter.clusterUid, filter.resource, filter.namespace);
      for (const v of objs) if (!filter.match || filter.match(v.obj)) sink('ADDED', v.obj, v.rev);
    } else {
      // 2.
      if (fromRev < this.oldestRev) throw tooOld(fromRev, this.oldestRev);
      const w = { filter, sink };
      for (let i = this.firstAfter(fromRev); i < this.size; i++) deliver(w, this.ring[(this.start + i) % this.ring.length]!);
    }
    const w: Watcher = { filter, sink };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  /** Index (0-based within the retained window) of the first change with rev > `rev`. */
  private firstAfter(rev: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ring[(this.start + mid) % this.ring.length]!.rev <= rev) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Step 3: translate a change for one watcher's selectors. */
function deliver(w: Watcher, c: KubeChange): void {
  const f = w.filter;
  if (c.clusterUid !== f.clusterUid || c.resource.resource !== f.resource) return;
  if (f.namespace !== undefined && c.obj.metadata.namespace !== f.namespace) return;
  if (!f.match) {
    w.sink(c.type, c.obj, c.rev);
    return;
  }
  const now = f.match(c.obj);
  if (c.type === 'DELETED') {
    if (now) w.sink('DELETED', c.obj, c.rev);
    return;
  }
  const before = c.prev !== undefined && f.match(c.prev);
  if (now && before) w.sink('MODIFIED', c.obj, c.rev);
  else if (now) w.sink('ADDED', c.obj, c.rev);
  else if (before) w.sink('DELETED', c.obj, c.rev);
}
