/**
 * The contract every Store engine must honour (DESIGN.md §5: one shared contract suite per
 * interface with several implementations). Run by sqlite-store.test.ts and memory-store.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { StoreCompactedError, StoreConflictError, put, update, type Change, type Store } from '../store.js';

export function storeContract(name: string, open: (opts?: { history?: number }) => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    it('puts, gets and deletes with a global revision that advances once per commit', async () => {
      const s = await open();
      const r0 = await s.revision();
      const r1 = await put(s, 'pool', 'a', { n: 1 });
      expect(r1).toBe(r0 + 1);
      const r2 = await s.commit([
        { op: 'put', kind: 'pool', key: 'b', value: { n: 2 } },
        { op: 'put', kind: 'vm', key: 'b/1', value: { x: true } },
      ]);
      expect(r2).toBe(r1 + 1);
      expect(await s.get('pool', 'a')).toEqual({ key: 'a', rev: r1, value: { n: 1 } });
      expect((await s.get('vm', 'b/1'))?.rev).toBe(r2);
      await s.commit([{ op: 'delete', kind: 'pool', key: 'a' }]);
      expect(await s.get('pool', 'a')).toBeUndefined();
      await s.close();
    });

    it('compare-and-swap refuses stale writes and changes nothing in the failed commit', async () => {
      const s = await open();
      const r1 = await put(s, 'k', 'x', 1, 0);
      await expect(put(s, 'k', 'x', 2, 0)).rejects.toBeInstanceOf(StoreConflictError);
      await expect(
        s.commit([
          { op: 'put', kind: 'k', key: 'y', value: 'new' },
          { op: 'put', kind: 'k', key: 'x', value: 3, expectRev: r1 + 100 },
        ]),
      ).rejects.toBeInstanceOf(StoreConflictError);
      expect(await s.get('k', 'y')).toBeUndefined();
      expect((await s.get('k', 'x'))?.value).toBe(1);
      await put(s, 'k', 'x', 4, r1);
      expect((await s.get('k', 'x'))?.value).toBe(4);
      await s.close();
    });

    it('a check op is a condition only: it guards the commit and writes nothing, not even a blob of its key', async () => {
      const s = await open();
      const rc = await put(s, 'cluster', 'c', { op: undefined }, 0);
      await s.commit([{ op: 'putBlob', kind: 'cluster', key: 'c', data: Uint8Array.of(9) }]);
      const rev = await s.commit([{ op: 'check', kind: 'cluster', key: 'c', expectRev: rc }, { op: 'put', kind: 'pool', key: 'p', value: 1 }]);
      expect((await s.get('cluster', 'c'))?.rev).toBe(rc);
      expect([...((await s.getBlob('cluster', 'c')) ?? [])]).toEqual([9]);
      expect((await s.get('pool', 'p'))?.rev).toBe(rev);
      await put(s, 'cluster', 'c', { op: 'busy' }, rc);
      await expect(s.commit([{ op: 'check', kind: 'cluster', key: 'c', expectRev: rc }, { op: 'put', kind: 'pool', key: 'p', value: 2 }])).rejects.toBeInstanceOf(StoreConflictError);
      await expect(s.commit([{ op: 'check', kind: 'cluster', key: 'gone', expectRev: 0 }, { op: 'put', kind: 'pool', key: 'q', value: 1 }])).resolves.toBeGreaterThan(rev);
      expect((await s.get('pool', 'p'))?.value).toBe(1);
      await s.close();
    });

    it('update() retries read-modify-write until it wins', async () => {
      const s = await open();
      await put(s, 'c', 'n', 0);
      await Promise.all(Array.from({ length: 10 }, () => update<number>(s, 'c', 'n', (v) => v + 1)));
      expect((await s.get('c', 'n'))?.value).toBe(10);
      await s.close();
    });

    it('lists by prefix in key order, with paging', async () => {
      const s = await open();
      for (const k of ['sub/rg2/c', 'sub/rg1/b', 'sub/rg1/a', 'other/x', 'sub/rg1/ä']) await put(s, 'obj', k, k);
      expect((await s.list('obj', { prefix: 'sub/rg1/' })).map((o) => o.key)).toEqual(['sub/rg1/a', 'sub/rg1/b', 'sub/rg1/ä']);
      expect((await s.list('obj', { prefix: 'sub/', after: 'sub/rg1/b', limit: 1 })).map((o) => o.key)).toEqual(['sub/rg1/ä']);
      expect(await s.count('obj', 'sub/')).toBe(4);
      expect(await s.count('obj')).toBe(5);
      await s.close();
    });

    it('keeps blobs byte-exact', async () => {
      const s = await open();
      const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
      await s.commit([{ op: 'putBlob', kind: 'tpm', key: 'vm1', data }]);
      expect(await s.getBlob('tpm', 'vm1')).toEqual(data);
      await s.commit([{ op: 'deleteBlob', kind: 'tpm', key: 'vm1' }]);
      expect(await s.getBlob('tpm', 'vm1')).toBeUndefined();
      await s.close();
    });

    it('feeds changes to subscribers and from a revision, and reports compaction', async () => {
      const s = await open({ history: 3 });
      const seen: Change[] = [];
      s.subscribe((cs) => seen.push(...cs));
      const start = await s.revision();
      await put(s, 'n', 'a', 1);
      await put(s, 'n', 'b', 2);
      await s.commit([{ op: 'delete', kind: 'n', key: 'a' }]);
      expect(seen.map((c) => [c.type, c.key])).toEqual([
        ['put', 'a'],
        ['put', 'b'],
        ['delete', 'a'],
      ]);
      expect(seen[2]!.value).toBe(1);
      expect((await s.changesSince(start + 1, 'n')).map((c) => c.key)).toEqual(['b', 'a']);
      for (let i = 0; i < 1100; i++) await put(s, 'n', `k${i}`, i);
      await expect(s.changesSince(start)).rejects.toBeInstanceOf(StoreCompactedError);
      await s.close();
    });
  });
}
