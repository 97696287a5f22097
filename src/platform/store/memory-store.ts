/**
 * An in-memory Store with the same semantics as SqliteStore (checked by the shared contract
 * suite): for unit tests of the domain and for throwaway servers. Nothing survives the process.
 */
import { StoreCompactedError, StoreConflictError, type Change, type ListOptions, type Store, type StoredObject, type WriteOp } from './store.js';

export class MemoryStore implements Store {
  private readonly objects = new Map<string, Map<string, { rev: number; json: string }>>();
  private readonly blobs = new Map<string, Uint8Array>();
  private readonly log: Change[] = [];
  private compacted = 0;
  private rev = 0;
  private readonly listeners = new Set<(changes: readonly Change[]) => void>();

  constructor(private readonly history = 100_000) {}

  private table(kind: string): Map<string, { rev: number; json: string }> {
    let t = this.objects.get(kind);
    if (!t) this.objects.set(kind, (t = new Map()));
    return t;
  }

  async get<T>(kind: string, key: string): Promise<StoredObject<T> | undefined> {
    const o = this.objects.get(kind)?.get(key);
    return o ? { key, rev: o.rev, value: JSON.parse(o.json) as T } : undefined;
  }

  async list<T>(kind: string, options: ListOptions = {}): Promise<StoredObject<T>[]> {
    const prefix = options.prefix ?? '';
    const after = options.after ?? '';
    const keys = [...(this.objects.get(kind)?.keys() ?? [])].filter((k) => k.startsWith(prefix) && k > after).sort(byUtf8);
    const limited = options.limit !== undefined && options.limit >= 0 ? keys.slice(0, options.limit) : keys;
    return limited.map((k) => {
      const o = this.objects.get(kind)!.get(k)!;
      return { key: k, rev: o.rev, value: JSON.parse(o.json) as T };
    });
  }

  async count(kind: string, prefix = ''): Promise<number> {
    let n = 0;
    for (const k of this.objects.get(kind)?.keys() ?? []) if (k.startsWith(prefix)) n++;
    return n;
  }

  async getBlob(kind: string, key: string): Promise<Uint8Array | undefined> {
    return this.blobs.get(`${kind}\0${key}`)?.slice();
  }

  async revision(): Promise<number> {
    return this.rev;
  }

  async commit(ops: readonly WriteOp[]): Promise<number> {
    for (const op of ops) {
      if (op.op !== 'putBlob' && op.op !== 'deleteBlob' && op.expectRev !== undefined) {
        const actual = this.objects.get(op.kind)?.get(op.key)?.rev ?? 0;
        if (actual !== op.expectRev) throw new StoreConflictError(op.kind, op.key, op.expectRev, actual);
      }
    }
    const rev = ++this.rev;
    const changes: Change[] = [];
    for (const op of ops) {
      if (op.op === 'put') {
        const json = JSON.stringify(op.value);
        this.table(op.kind).set(op.key, { rev, json });
        changes.push({ rev, kind: op.kind, key: op.key, type: 'put', value: JSON.parse(json) });
      } else if (op.op === 'delete') {
        const old = this.objects.get(op.kind)?.get(op.key);
        if (!old) continue;
        this.objects.get(op.kind)!.delete(op.key);
        changes.push({ rev, kind: op.kind, key: op.key, type: 'delete', value: JSON.parse(old.json) });
      } else if (op.op === 'putBlob') {
        this.blobs.set(`${op.kind}\0${op.key}`, op.data.slice());
      } else if (op.op === 'deleteBlob') {
        this.blobs.delete(`${op.kind}\0${op.key}`);
      }
    }
    this.log.push(...changes);
    while (this.log.length > this.history) this.compacted = this.log.shift()!.rev;
    if (changes.length) for (const l of this.listeners) l(changes);
    return rev;
  }

  async changesSince(fromRev: number, kind?: string): Promise<Change[]> {
    if (fromRev < this.compacted) throw new StoreCompactedError(fromRev, this.compacted);
    return this.log.filter((c) => c.rev > fromRev && (kind === undefined || c.kind === kind));
  }

  subscribe(listener: (changes: readonly Change[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** Compare as SQLite's BINARY collation does on UTF-8 text. */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
