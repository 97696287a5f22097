import { describe, expect, it } from 'vitest';
import { resourceInfo } from '../../platform/kube/resources.js';
import { parseLabelSelector, matchesLabels } from '../../platform/kube/selectors.js';
import { kubeHarness } from '../../platform/kube/test-support/cluster.js';
import { WatchHub } from '../../platform/kube/watch-hub.js';
import { watchResponse } from './watch.js';

const pods = resourceInfo('pods');

/** Run a watch response's stream into an array of parsed events. */
function collect(res: ReturnType<typeof watchResponse>) {
  const events: { type: string; object: any }[] = [];
  let close: () => void = () => undefined;
  const state = { ended: false };
  res.stream!(
    (chunk) => {
      for (const line of chunk.split('\n').filter(Boolean)) events.push(JSON.parse(line));
      return true;
    },
    (fn) => (close = fn),
    () => (state.ended = true),
  );
  return { events, close: () => close(), state };
}

describe('watch', () => {
  it('resumes from a resourceVersion, turns selector transitions into ADDED/DELETED, and sends bookmarks', async () => {
    const h = await kubeHarness({ count: 1 });
    const k = h.platform.kube;
    const start = await h.store.revision();
    await h.createPod('a', {});
    const sel = parseLabelSelector('app=web');
    const w = collect(
      watchResponse({
        hub: k.hub,
        clock: h.clock,
        resource: pods,
        filter: { clusterUid: h.uid, resource: 'pods', namespace: 'default', match: (o) => matchesLabels(o.metadata.labels, sel) },
        fromRev: start,
        rep: { as: 'object' },
        includeObject: null,
        bookmarks: true,
        sendInitialEvents: false,
        bookmarkIntervalMs: 1000,
        currentRev: () => h.store.revision(),
        timeoutMs: 60_000,
      }),
    );
    expect(w.events).toEqual([]); // pod a does not match app=web
    await k.registry.guaranteedUpdate(h.uid, pods, 'default', 'a', (p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'web' } } }));
    await k.registry.guaranteedUpdate(h.uid, pods, 'default', 'a', (p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'db' } } }));
    expect(w.events.map((e) => [e.type, e.object.metadata.labels?.app])).toEqual([['ADDED', 'web'], ['DELETED', 'db']]);
    expect(Number(w.events[1]!.object.metadata.resourceVersion)).toBeGreaterThan(Number(w.events[0]!.object.metadata.resourceVersion));
    await h.pass(1000, 500);
    const bookmark = w.events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(await h.store.revision()) } });
    w.close();
    expect(k.hub.watcherCount).toBe(0);
  });

  it('starts with ADDED for every object without a resourceVersion, ends watch-list with the initial-events-end bookmark, and refuses a compacted one', async () => {
    const h = await kubeHarness({ count: 2 });
    const k = h.platform.kube;
    const base = { hub: k.hub, clock: h.clock, resource: resourceInfo('nodes'), filter: { clusterUid: h.uid, resource: 'nodes' as const }, rep: { as: 'table', version: 'v1' } as const, includeObject: null, bookmarks: false, bookmarkIntervalMs: 1000, currentRev: () => h.store.revision(), timeoutMs: 60_000 };
    const all = collect(watchResponse({ ...base, fromRev: undefined, sendInitialEvents: true }));
    await h.pass(10);
    expect(all.events.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'BOOKMARK']);
    expect(all.events[0]!.object).toMatchObject({ kind: 'Table', columnDefinitions: expect.arrayContaining([expect.objectContaining({ name: 'Status' })]), rows: [{ cells: [expect.stringMatching(/vmss000000$/), 'Ready', 'agent', expect.any(String), expect.any(String), '10.224.0.4', '<none>', 'Ubuntu 22.04.5 LTS', expect.any(String), expect.any(String)] }] });
    expect(all.events[1]!.object.columnDefinitions).toEqual([]);
    expect(all.events[2]!.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    all.close();
    // A history of two changes: after a third, resuming from before it is 410 Gone.
    const small = new WatchHub(0, k.cache, 2);
    const c = (rev: number) => ({ type: 'MODIFIED' as const, rev, clusterUid: h.uid, resource: resourceInfo('nodes'), id: 'n', obj: h.nodes()[0]! });
    small.publish([c(10), c(11), c(12)]);
    expect(small.oldest).toBe(10);
    expect(() => watchResponse({ ...base, hub: small, fromRev: 9, sendInitialEvents: false })).toThrow(expect.objectContaining({ reason: 'Expired', message: 'too old resource version: 9 (10)' }));
    const resumed = collect(watchResponse({ ...base, hub: small, fromRev: 10, sendInitialEvents: false }));
    expect(resumed.events.map((e) => e.object.metadata.resourceVersion)).toEqual(['11', '12']);
    resumed.close();
  });

  it('ends the response when its timeout passes (timeoutSeconds), and stops watching', async () => {
    const h = await kubeHarness({ count: 1 });
    const k = h.platform.kube;
    const before = k.hub.watcherCount;
    const w = collect(watchResponse({ hub: k.hub, clock: h.clock, resource: pods, filter: { clusterUid: h.uid, resource: 'pods' }, fromRev: await h.store.revision(), rep: { as: 'object' }, includeObject: null, bookmarks: false, sendInitialEvents: false, bookmarkIntervalMs: 60_000, currentRev: () => h.store.revision(), timeoutMs: 5_000 }));
    expect(k.hub.watcherCount).toBe(before + 1);
    await h.pass(4_000, 1_000);
    expect(w.state.ended).toBe(false);
    await h.pass(2_000, 1_000);
    expect(w.state.ended).toBe(true);
    expect(k.hub.watcherCount).toBe(before);
  });
});
