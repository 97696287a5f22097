/**
 * Attestation is background work: it must never make a boot, a reimage or a Kubernetes sync wait
 * (issue 8: "queue it, so it does not slow the boot path"). It still runs *in* the controller —
 * one work item at a time, like the boot hook — so that a VM's vTPM is never opened by a boot and
 * an attestation at once. The feeder holds the VMs waiting for attestation and hands them to the
 * controller a batch at a time — one work item per batch, so the service can pipeline the VMs of
 * a batch (attest-batch.ts) — and only when the controller has nothing else to do:
 *
 *   1. `add(key)` remembers the VM (deduplicated);
 *   2. the pump waits for the controller to be idle, puts up to `batch` keys under a batch id and
 *      enqueues that id, and repeats;
 *   3. the work item `take`s its keys; new work arriving meanwhile (a boot) waits at most for one
 *      batch.
 */
import type { Controller } from '../reconcile/controller.js';

/** VMs per work item: a boot arriving meanwhile waits for at most this many attestations. */
export const FEEDER_BATCH = 32;

export class IdleFeeder {
  private readonly waiting = new Set<string>();
  private readonly batches = new Map<string, string[]>();
  private nextBatch = 1;
  private pumping = false;
  private stopped = false;

  constructor(
    private readonly controller: Controller,
    private readonly kind: string,
    private readonly batch = FEEDER_BATCH,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  get busy(): boolean {
    return this.pumping || this.waiting.size > 0;
  }

  add(key: string): void {
    if (this.stopped) return;
    this.waiting.add(key);
    if (!this.pumping) {
      this.pumping = true;
      void this.pump();
    }
  }

  /** 3. The keys of a batch (once; a batch id seen again, or unknown, has none). */
  take(batchId: string): string[] {
    const keys = this.batches.get(batchId) ?? [];
    this.batches.delete(batchId);
    return keys;
  }

  stop(): void {
    this.stopped = true;
    this.waiting.clear();
    this.batches.clear();
  }

  private async pump(): Promise<void> {
    try {
      while (this.waiting.size && !this.stopped) {
        await this.controller.idle();
        if (this.stopped) break;
        const keys: string[] = [];
        for (const k of this.waiting) {
          if (keys.length >= this.batch) break;
          keys.push(k);
        }
        for (const k of keys) this.waiting.delete(k);
        const id = String(this.nextBatch++);
        this.batches.set(id, keys);
        this.controller.enqueue(this.kind, id);
        // Let the controller pick the batch up before waiting for it to finish.
        await new Promise<void>((r) => setImmediate(r));
      }
    } finally {
      this.pumping = false;
    }
  }
}
