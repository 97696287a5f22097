/**
 * The controller: one work queue for every reconciler, woken by store changes, timers and
 * explicit requests (DESIGN.md §3 "reconcilers that take {clock, store, queue}").
 *
 * Steps of the loop:
 *   1. at start, enqueue everything that may have work (a restart resumes operations in flight),
 *   2. every committed change enqueues the object that owns it (a VM → its pool → its cluster),
 *   3. take one key at a time (keys are deduplicated) and run its reconciler,
 *   4. a compare-and-swap conflict re-enqueues the key at once; any other error retries it later,
 *   5. timers (`enqueueAt`) wake keys when a stage or registration falls due.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { KIND } from '../model/keys.js';
import type { VirtualMachine } from '../model/types.js';
import type { WorkQueue } from '../services/context.js';
import { StoreConflictError, type Change, type Store } from '../store/store.js';
import { clusterKeyOfPool } from './agent-pool.js';

export type Reconciler = (key: string) => Promise<void>;

const RETRY_MS = 1000;

export class Controller implements WorkQueue {
  private readonly pending = new Set<string>();
  private readonly timers = new Map<string, { at: number; cancel: () => void }>();
  private running = false;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  private reconcilers: Record<string, Reconciler> = {};

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Register the reconciler for a kind (before `start`). */
  register(kind: string, reconciler: Reconciler): void {
    this.reconcilers[kind] = reconciler;
  }

  async start(): Promise<void> {
    // 2.
    this.unsubscribe = this.store.subscribe((changes) => this.onChanges(changes));
    // 1.
    for (const kind of Object.keys(this.reconcilers)) {
      for (const o of await this.store.list(kind)) this.enqueue(kind, o.key);
    }
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.pending.clear();
  }

  enqueue(kind: string, key: string): void {
    if (this.stopped || !this.reconcilers[kind]) return;
    this.pending.add(`${kind}\u0000${key}`);
    if (!this.running) {
      this.running = true;
      setImmediate(() => void this.loop());
    }
  }

  enqueueAt(kind: string, key: string, at: number): void {
    if (this.stopped) return;
    const id = `${kind}\u0000${key}`;
    const existing = this.timers.get(id);
    if (existing && existing.at <= at) return;
    existing?.cancel();
    const cancel = this.clock.setTimer(at - this.clock.now(), () => {
      this.timers.delete(id);
      this.enqueue(kind, key);
    });
    this.timers.set(id, { at, cancel });
  }

  /** Resolves when the queue is empty (timers may still be pending). For tests and shutdown. */
  idle(): Promise<void> {
    if (!this.running && this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private onChanges(changes: readonly Change[]): void {
    for (const c of changes) {
      switch (c.kind) {
        case KIND.vm:
          this.enqueue(KIND.agentPool, (c.value as VirtualMachine).poolKey);
          break;
        case KIND.agentPool:
          this.enqueue(KIND.agentPool, c.key);
          this.enqueue(KIND.cluster, clusterKeyOfPool(c.key));
          break;
        default:
          if (this.reconcilers[c.kind]) this.enqueue(c.kind, c.key);
      }
    }
  }

  // 3.
  private async loop(): Promise<void> {
    while (this.pending.size && !this.stopped) {
      const id = this.pending.values().next().value as string;
      this.pending.delete(id);
      const [kind, key] = id.split('\u0000') as [string, string];
      try {
        await this.reconcilers[kind]!(key);
      } catch (e) {
        // 4.
        if (e instanceof StoreConflictError) {
          this.enqueue(kind, key);
        } else {
          this.log.error({ err: e, kind, key }, 'reconcile failed; retrying');
          this.enqueueAt(kind, key, this.clock.now() + RETRY_MS);
        }
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
