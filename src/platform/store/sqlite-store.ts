/**
 * The embedded engine: one SQLite file (better-sqlite3@12; 13.x needs Node 22), WAL journal.
 *
 * Durability: a commit returns only after SQLite has committed the transaction to the WAL, so
 * `kill -9` of the server at any moment loses no write whose response was sent
 * (synchronous=NORMAL is durable across process crashes; only an OS crash/power loss can lose
 * the last transactions, which FULL would prevent at a large cost per write).
 *
 * Steps of `commit` (one SQLite transaction):
 *   1. check every op's expected revision against the stored one (StoreConflictError if not),
 *   2. advance the global revision once for the whole commit (as an etcd txn does),
 *   3. apply the writes and append them to the change log,
 *   4. after COMMIT, notify subscribers in order.
 */
import Database from 'better-sqlite3';
import { StoreCompactedError, StoreConflictError, type Change, type ListOptions, type Store, type StoredObject, type WriteOp } from './store.js';

/** Keys sort as UTF-8 bytes in SQLite; U+10FFFF is above every valid key character. */
const PREFIX_END = '\u{10FFFF}';
/** How many changes the log keeps for watches that resume from an old revision. */
const DEFAULT_HISTORY = 100_000;

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly listeners = new Set<(changes: readonly Change[]) => void>();
  private rev: number;
  private readonly history: number;
  private commitsSinceCompaction = 0;
  private readonly stmt;

  constructor(path: string, options: { history?: number } = {}) {
    this.history = options.history ?? DEFAULT_HISTORY;
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS objects (kind TEXT NOT NULL, key TEXT NOT NULL, rev INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS blobs (kind TEXT NOT NULL, key TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS changes (rev INTEGER NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (rev, seq)) WITHOUT ROWID;
      INSERT OR IGNORE INTO meta (k, v) VALUES ('revision', 0), ('compacted', 0);
    `);
    this.stmt = {
      get: this.db.prepare<[string, string], { rev: number; value: string }>('SELECT rev, value FROM objects WHERE kind = ? AND key = ?'),
      revOf: this.db.prepare<[string, string], { rev: number }>('SELECT rev FROM objects WHERE kind = ? AND key = ?'),
      list: this.db.prepare<[string, string, string, string, number], { key: string; rev: number; value: string }>(
        'SELECT key, rev, value FROM objects WHERE kind = ? AND key >= ? AND key < ? AND key > ? ORDER BY key LIMIT ?',
      ),
      count: this.db.prepare<[string, string, string], { n: number }>('SELECT count(*) AS n FROM objects WHERE kind = ? AND key >= ? AND key < ?'),
      put: this.db.prepare('INSERT INTO objects (kind, key, rev, value) VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET rev = excluded.rev, value = excluded.value'),
      del: this.db.prepare('DELETE FROM objects WHERE kind = ? AND key = ?'),
      getBlob: this.db.prepare<[string, string], { data: Buffer }>('SELECT data FROM blobs WHERE kind = ? AND key = ?'),
      putBlob: this.db.prepare('INSERT INTO blobs (kind, key, data) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data'),
      delBlob: this.db.prepare('DELETE FROM blobs WHERE kind = ? AND key = ?'),
      addChange: this.db.prepare('INSERT INTO changes (rev, seq, kind, key, type, value) VALUES (?, ?, ?, ?, ?, ?)'),
      changesAll: this.db.prepare<[number], { rev: number; kind: string; key: string; type: string; value: string }>('SELECT rev, kind, key, type, value FROM changes WHERE rev > ? ORDER BY rev, seq'),
      changesKind: this.db.prepare<[number, string], { rev: number; kind: string; key: string; type: string; value: string }>(
        'SELECT rev, kind, key, type, value FROM changes WHERE rev > ? AND kind = ? ORDER BY rev, seq',
      ),
      setMeta: this.db.prepare('UPDATE meta SET v = ? WHERE k = ?'),
      getMeta: this.db.prepare<[string], { v: number }>('SELECT v FROM meta WHERE k = ?'),
      compact: this.db.prepare('DELETE FROM changes WHERE rev <= ?'),
    };
    this.rev = this.stmt.getMeta.get('revision')!.v;
  }

  async get<T>(kind: string, key: string): Promise<StoredObject<T> | undefined> {
    const row = this.stmt.get.get(kind, key);
    return row ? { key, rev: row.rev, value: JSON.parse(row.value) as T } : undefined;
  }

  async list<T>(kind: string, options: ListOptions = {}): Promise<StoredObject<T>[]> {
    const prefix = options.prefix ?? '';
    const rows = this.stmt.list.all(kind, prefix, prefix + PREFIX_END, options.after ?? '', options.limit ?? -1);
    // `key > ''` excludes the empty key; no caller uses one.
    return rows.map((r) => ({ key: r.key, rev: r.rev, value: JSON.parse(r.value) as T }));
  }

  async count(kind: string, prefix = ''): Promise<number> {
    return this.stmt.count.get(kind, prefix, prefix + PREFIX_END)!.n;
  }

  async getBlob(kind: string, key: string): Promise<Uint8Array | undefined> {
    const row = this.stmt.getBlob.get(kind, key);
    return row ? new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength) : undefined;
  }

  async revision(): Promise<number> {
    return this.rev;
  }

  async commit(ops: readonly WriteOp[]): Promise<number> {
    const changes: Change[] = [];
    const run = this.db.transaction(() => {
      // 1. conditions
      for (const op of ops) {
        if (op.op !== 'putBlob' && op.op !== 'deleteBlob' && op.expectRev !== undefined) {
          const actual = this.stmt.revOf.get(op.kind, op.key)?.rev ?? 0;
          if (actual !== op.expectRev) throw new StoreConflictError(op.kind, op.key, op.expectRev, actual);
        }
      }
      // 2. one revision per commit
      const rev = this.rev + 1;
      // 3. writes + change log
      let seq = 0;
      for (const op of ops) {
        switch (op.op) {
          case 'put': {
            const json = JSON.stringify(op.value);
            this.stmt.put.run(op.kind, op.key, rev, json);
            this.stmt.addChange.run(rev, seq++, op.kind, op.key, 'put', json);
            changes.push({ rev, kind: op.kind, key: op.key, type: 'put', value: op.value });
            break;
          }
          case 'delete': {
            const old = this.stmt.get.get(op.kind, op.key);
            if (!old) break;
            this.stmt.del.run(op.kind, op.key);
            this.stmt.addChange.run(rev, seq++, op.kind, op.key, 'delete', old.value);
            changes.push({ rev, kind: op.kind, key: op.key, type: 'delete', value: JSON.parse(old.value) });
            break;
          }
          case 'putBlob':
            this.stmt.putBlob.run(op.kind, op.key, Buffer.from(op.data.buffer, op.data.byteOffset, op.data.byteLength));
            break;
          case 'deleteBlob':
            this.stmt.delBlob.run(op.kind, op.key);
            break;
          case 'check':
            break;
        }
      }
      this.stmt.setMeta.run(rev, 'revision');
      return rev;
    });
    const rev = run();
    this.rev = rev;
    if (++this.commitsSinceCompaction >= 1000) this.compact();
    // 4. notify after the commit is durable
    if (changes.length) for (const l of this.listeners) l(changes);
    return rev;
  }

  async changesSince(fromRev: number, kind?: string): Promise<Change[]> {
    const compacted = this.stmt.getMeta.get('compacted')!.v;
    if (fromRev < compacted) throw new StoreCompactedError(fromRev, compacted);
    const rows = kind === undefined ? this.stmt.changesAll.all(fromRev) : this.stmt.changesKind.all(fromRev, kind);
    return rows.map((r) => ({ rev: r.rev, kind: r.kind, key: r.key, type: r.type as 'put' | 'delete', value: JSON.parse(r.value) }));
  }

  subscribe(listener: (changes: readonly Change[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private compact(): void {
    this.commitsSinceCompaction = 0;
    const upTo = this.rev - this.history;
    if (upTo <= this.stmt.getMeta.get('compacted')!.v) return;
    this.db.transaction(() => {
      this.stmt.compact.run(upTo);
      this.stmt.setMeta.run(upTo, 'compacted');
    })();
  }

  async close(): Promise<void> {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }
}
