/**
 * Watch responses: newline-delimited `{"type","object"}` events on a chunked response whose
 * headers are flushed at once (client-node's Watch waits for them; reference/ecosystem.md
 * §1.2), in the representation the client negotiated (kubectl -w asks for Table rows).
 * `allowWatchBookmarks=true` adds BOOKMARK events carrying the current resourceVersion, and
 * `sendInitialEvents=true` (watch-list) ends the initial ADDED events with a bookmark annotated
 * `k8s.io/initial-events-end`. A watch that cannot start (410 Gone) is answered as an error
 * before any streaming.
 */
import type { Clock } from '../../core/clock.js';
import type { WatchType } from '../../platform/kube/cache.js';
import type { ResourceInfo } from '../../platform/kube/resources.js';
import type { KubeObject } from '../../platform/kube/types.js';
import type { WatchFilter, WatchHub } from '../../platform/kube/watch-hub.js';
import type { ApiResponse } from '../http/types.js';
import { render, table, toWire, type Representation } from './wire.js';

export interface WatchRequest {
  readonly hub: WatchHub;
  readonly clock: Clock;
  readonly resource: ResourceInfo;
  readonly filter: WatchFilter;
  readonly fromRev: number | undefined;
  readonly rep: Representation;
  readonly includeObject: string | null;
  readonly bookmarks: boolean;
  readonly sendInitialEvents: boolean;
  readonly bookmarkIntervalMs: number;
  readonly currentRev: () => Promise<number>;
  /** How long the watch lasts (kube-apiserver: `timeoutSeconds`, else a random 30–60 min). */
  readonly timeoutMs: number;
}

export function watchResponse(w: WatchRequest): ApiResponse {
  const queued: string[] = [];
  let write: ((chunk: string) => boolean) | undefined;
  let lastRev = w.fromRev ?? 0;
  let first = true;
  const encode = (type: WatchType | 'BOOKMARK', obj: KubeObject, rev: number): string => {
    const now = w.clock.now();
    let object: unknown;
    if (type === 'BOOKMARK') object = { kind: w.resource.kind, apiVersion: obj.apiVersion, metadata: obj.metadata };
    else if (w.rep.as === 'table') {
      object = table(w.resource, [{ rev, obj }], { rev }, w.rep.version, w.includeObject, now, first);
      first = false;
    } else object = render(w.resource, { rev, obj }, w.rep, w.includeObject, now);
    return `${JSON.stringify({ type, object })}\n`;
  };
  const emit = (chunk: string) => (write ? write(chunk) : queued.push(chunk));
  const sink = (type: WatchType, obj: KubeObject, rev: number) => {
    lastRev = Math.max(lastRev, rev);
    emit(encode(type, obj, rev));
  };
  const apiVersion = w.resource.group ? `${w.resource.group}/${w.resource.version}` : w.resource.version;
  const bookmark = (rev: number, annotations?: Record<string, string>) =>
    emit(encode('BOOKMARK', { apiVersion, kind: w.resource.kind, metadata: { resourceVersion: String(rev), ...(annotations ? { annotations } : {}) } } as unknown as KubeObject, rev));
  // Registration replays history synchronously; a too-old resourceVersion throws here (→ 410).
  const stop = w.hub.watch(w.filter, w.sendInitialEvents ? 0 : w.fromRev, sink);
  let cancelTimer: (() => void) | undefined;
  const schedule = () => {
    cancelTimer = w.clock.setTimer(w.bookmarkIntervalMs, () => {
      void w.currentRev().then((rev) => {
        if (!write) return;
        lastRev = Math.max(lastRev, rev);
        bookmark(lastRev);
        schedule();
      });
    });
  };
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-cache, private' },
    stream: (wr, onClose, end) => {
      write = wr;
      // The server ends a watch after its timeout; clients then re-list or watch again.
      const cancelTimeout = w.clock.setTimer(w.timeoutMs, () => {
        write = undefined;
        stop();
        cancelTimer?.();
        end();
      });
      for (const c of queued.splice(0)) wr(c);
      if (w.sendInitialEvents) void w.currentRev().then((rev) => bookmark(Math.max(rev, lastRev), { 'k8s.io/initial-events-end': 'true' }));
      if (w.bookmarks) schedule();
      onClose(() => {
        write = undefined;
        stop();
        cancelTimer?.();
        cancelTimeout();
      });
    },
  };
}

export { toWire };
