/**
 * Attestation is background work: it must never make a boot, a reimage or a Kubernetes sync wait
 * (issue 8: "queue it, so it does not slow the boot path"). It still runs *in* the controller —
 * one work item at a time, like the boot hook — so that a VM's vTPM is never opened by a boot and
 * an attestation at once. The feeder holds the VMs waiting for attestation and hands them to the
 * controller a small batch at a time, and only when the controller has nothing else to do:
 *
 *   1. `add(key)` remembers the VM (deduplicated);
 *   2. the pump waits for the controller to be idle, enqueues up to `batch` keys, and repeats;
 *   3. new work arriving meanwhile (a boot) waits at most for one batch.
 */
import type { Controller } from '../reconcile/controller.js';

export class IdleFeeder {
  private readonly waiting = new Set<string>();
  private pumping = false;
  private stopped = false;

  constructor(
    private readonly controller: Controller,
    private readonly kind: string,
    private readonly batch = 32,
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

  stop(): void {
    this.stopped = true;
    this.waiting.clear();
  }

  private async pump(): Promise<void> {
    try {
      while (this.waiting.size && !this.stopped) {
        await this.controller.idle();
        let n = 0;
        for (const k of this.waiting) {
          if (n++ >= this.batch) break;
          this.waiting.delete(k);
          this.controller.enqueue(this.kind, k);
        }
        // Let the controller pick the batch up before waiting for it to finish.
        await new Promise<void>((r) => setImmediate(r));
      }
    } finally {
      this.pumping = false;
    }
  }
}
