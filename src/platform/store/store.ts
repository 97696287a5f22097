/**
 * The `Store`: every piece of state that matters goes through it (DESIGN.md §4) — resources,
 * operations, vTPM state, event logs, attestation results, alerts and Kubernetes objects.
 *
 * The model is etcd's, so that a distributed engine can implement it later without changing
 * callers: a flat keyspace per `kind`, one global revision counter that every committed write
 * advances (Kubernetes `resourceVersion` is this revision), compare-and-swap on an object's
 * revision instead of locks, atomic multi-key commits, and a change feed that can be resumed
 * from a revision (watch). The interface is asynchronous for the same reason, although the
 * embedded SQLite engine answers synchronously.
 */
import { TlError } from '../../core/errors.js';

export interface StoredObject<T> {
  readonly key: string;
  /** Revision of the last write to this object. */
  readonly rev: number;
  readonly value: T;
}

export type WriteOp =
  /** `expectRev`: 0 = must not exist; n = must exist at revision n; undefined = unconditional. */
  | { readonly op: 'put'; readonly kind: string; readonly key: string; readonly value: unknown; readonly expectRev?: number }
  | { readonly op: 'delete'; readonly kind: string; readonly key: string; readonly expectRev?: number }
  | { readonly op: 'putBlob'; readonly kind: string; readonly key: string; readonly data: Uint8Array }
  | { readonly op: 'deleteBlob'; readonly kind: string; readonly key: string }
  /**
   * A condition only (etcd's Txn compare): the commit fails with StoreConflictError unless `key`
   * is at `expectRev` (0: absent); nothing is written. Guards a decision taken on a record the
   * commit does not change — e.g. "the cluster has no operation running" for a pool's operation.
   */
  | { readonly op: 'check'; readonly kind: string; readonly key: string; readonly expectRev: number };

export interface Change {
  readonly rev: number;
  readonly kind: string;
  readonly key: string;
  readonly type: 'put' | 'delete';
  /** The new value for puts; the last value for deletes. */
  readonly value: unknown;
}

export interface ListOptions {
  /** Only keys starting with this prefix. */
  readonly prefix?: string;
  /** Only keys strictly greater than this (for paging). */
  readonly after?: string;
  readonly limit?: number;
}

/** A conditional write failed: someone else changed `key` first (or it (did not) exist). */
export class StoreConflictError extends TlError {
  constructor(
    readonly kind: string,
    readonly key: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super('StoreConflict', `conflict on ${kind}/${key}: expected revision ${expected}, found ${actual}`);
  }
}

/** A watch asked for changes older than the retained history (Kubernetes answers 410 Gone). */
export class StoreCompactedError extends TlError {
  constructor(readonly requested: number, readonly oldest: number) {
    super('StoreCompacted', `revision ${requested} has been compacted; oldest available is ${oldest}`);
  }
}

export interface Store {
  get<T>(kind: string, key: string): Promise<StoredObject<T> | undefined>;
  list<T>(kind: string, options?: ListOptions): Promise<StoredObject<T>[]>;
  count(kind: string, prefix?: string): Promise<number>;
  /** Apply all writes atomically if every `expectRev` holds; returns the new global revision. */
  commit(ops: readonly WriteOp[]): Promise<number>;
  getBlob(kind: string, key: string): Promise<Uint8Array | undefined>;
  /** The current global revision. */
  revision(): Promise<number>;
  /**
   * Changes after `fromRev` (exclusive) for `kind` (all kinds when omitted), oldest first.
   * Throws StoreCompactedError when `fromRev` is older than the retained history.
   */
  changesSince(fromRev: number, kind?: string): Promise<Change[]>;
  /** Called after every commit with its changes, in order. Returns an unsubscribe function. */
  subscribe(listener: (changes: readonly Change[]) => void): () => void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Helpers every caller uses, written once over the interface.

export async function put<T>(store: Store, kind: string, key: string, value: T, expectRev?: number): Promise<number> {
  return store.commit([expectRev === undefined ? { op: 'put', kind, key, value } : { op: 'put', kind, key, value, expectRev }]);
}

/**
 * Read-modify-write with compare-and-swap, retried on conflict. `fn` returns the new value,
 * or `undefined` to leave the object unchanged. Returns the stored result.
 */
export async function update<T>(store: Store, kind: string, key: string, fn: (current: T) => T | undefined, attempts = 20): Promise<StoredObject<T> | undefined> {
  for (let i = 0; i < attempts; i++) {
    const cur = await store.get<T>(kind, key);
    if (!cur) return undefined;
    const next = fn(cur.value);
    if (next === undefined) return cur;
    try {
      const rev = await store.commit([{ op: 'put', kind, key, value: next, expectRev: cur.rev }]);
      return { key, rev, value: next };
    } catch (e) {
      if (e instanceof StoreConflictError) continue;
      throw e;
    }
  }
  throw new TlError('StoreContention', `gave up updating ${kind}/${key} after ${attempts} conflicting attempts`);
}
