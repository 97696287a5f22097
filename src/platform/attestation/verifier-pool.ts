/**
 * The service's verifier in worker threads (verifier.ts says why). Steps of a call:
 *
 *   1. pick the live worker with the fewest calls in flight (spawn one if none is alive);
 *   2. bring it up to date first — messages to a worker are handled in order, so an update sent
 *      before a job applies to it: the trust anchors when the service's TrustStore changed, the
 *      reference values of the job's image the first time this worker sees them (each worker
 *      keeps the last REFS_KEPT, forgetting the oldest when the service says so);
 *   3. post the job, its bytes packed into one transferred buffer (wire.ts);
 *   4. the reply settles the call; a worker that fails or exits rejects its calls in flight and is
 *      replaced at the next call (the service retries those VMs, as after any other error).
 *
 * A worker holds the process open only while calls are in flight (ref/unref), so an idle pool
 * never keeps a CLI, a test or a bench from exiting.
 */
import { Worker } from 'node:worker_threads';
import type { ReferenceValues, TrustAnchorInput, TrustStore } from '../../attestation/index.js';
import type { MadeCredential } from '../../tpm/crypto/make-credential.js';
import type { TPMT_PUBLIC } from '../../tpm/types/public.js';
import type { TrustSource, Verifier } from './verifier.js';
import type { JobResult, VerifyJob } from './verify-job.js';
import { pack } from './wire.js';

/** Reference values a worker keeps (one per node image version in use). */
export const REFS_KEPT = 16;

/** Main thread → worker. */
export type WorkerRequest =
  | { readonly t: 'anchors'; readonly anchors: readonly TrustAnchorInput[] }
  | { readonly t: 'refs'; readonly id: number; readonly refs: ReferenceValues }
  | { readonly t: 'forget'; readonly id: number }
  | { readonly t: 'verify'; readonly id: number; readonly job: VerifyJob; readonly bytes: ArrayBuffer; readonly refsId?: number }
  | { readonly t: 'make'; readonly id: number; readonly args: MakeArgs; readonly bytes: ArrayBuffer }
  | { readonly t: 'ping'; readonly id: number };

export interface MakeArgs {
  readonly ekPublic: TPMT_PUBLIC;
  readonly secret: Uint8Array;
  readonly akName: Uint8Array;
}

/** Worker → main thread. */
export type WorkerReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

export interface PoolOptions {
  readonly threads: number;
  /** The worker's entry (default: verifier-worker.js beside this file). */
  readonly url?: URL;
  /** Node options for the workers (tests running from TypeScript pass a loader). */
  readonly execArgv?: readonly string[];
}

interface Call {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface Slot {
  readonly worker: Worker;
  readonly calls: Map<number, Call>;
  /** The TrustStore whose anchors this worker holds. */
  trust?: TrustStore;
  /** Reference value ids this worker holds, oldest first. */
  readonly refs: Set<number>;
  alive: boolean;
}

export class WorkerVerifierPool implements Verifier {
  readonly threads: number;
  private slots: Slot[] = [];
  private nextId = 1;
  private nextRefsId = 1;
  private readonly refsIds = new WeakMap<ReferenceValues, number>();
  private readonly url: URL;

  constructor(private readonly o: PoolOptions) {
    if (!(o.threads >= 1)) throw new RangeError('a worker pool needs at least one thread');
    this.threads = o.threads;
    this.url = o.url ?? new URL('./verifier-worker.js', import.meta.url);
  }

  /** Spawn the workers now and wait until each answers (so the first batch does not pay for their start). */
  async warm(): Promise<void> {
    while (this.live().length < this.threads) this.spawn();
    await Promise.all(this.live().map((s) => this.call(s, (id) => ({ t: 'ping', id }))));
  }

  makeCredential(ekPublic: TPMT_PUBLIC, secret: Uint8Array, akName: Uint8Array): Promise<MadeCredential> {
    const p = pack<MakeArgs>({ ekPublic, secret, akName });
    return this.call(this.pick(), (id) => ({ t: 'make', id, args: p.value, bytes: p.buffer }), p.buffer) as Promise<MadeCredential>;
  }

  verify(job: VerifyJob, refs: ReferenceValues | undefined, trust: TrustSource): Promise<JobResult> {
    const s = this.pick();
    // 2.
    if (s.trust !== trust.store) {
      s.worker.postMessage({ t: 'anchors', anchors: trust.anchors() } satisfies WorkerRequest);
      s.trust = trust.store;
    }
    let refsId: number | undefined;
    if (refs) {
      refsId = this.refsIds.get(refs);
      if (refsId === undefined) this.refsIds.set(refs, (refsId = this.nextRefsId++));
      if (!s.refs.has(refsId)) {
        if (s.refs.size >= REFS_KEPT) {
          const oldest = s.refs.values().next().value!;
          s.refs.delete(oldest);
          s.worker.postMessage({ t: 'forget', id: oldest } satisfies WorkerRequest);
        }
        s.worker.postMessage({ t: 'refs', id: refsId, refs } satisfies WorkerRequest);
        s.refs.add(refsId);
      }
    }
    // 3.
    const rid = refsId;
    const p = pack(job.evidence);
    const sent: VerifyJob = { ...job, evidence: p.value };
    return this.call(s, (id) => ({ t: 'verify', id, job: sent, bytes: p.buffer, ...(rid !== undefined ? { refsId: rid } : {}) }), p.buffer) as Promise<JobResult>;
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) this.fail(s, new Error('the verifier pool was closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private live(): Slot[] {
    return this.slots.filter((s) => s.alive);
  }

  // 1.
  private pick(): Slot {
    const live = this.live();
    if (live.length < this.threads) return this.spawn();
    let best = live[0]!;
    for (const s of live) if (s.calls.size < best.calls.size) best = s;
    return best;
  }

  private spawn(): Slot {
    const worker = new Worker(this.url, { execArgv: [...(this.o.execArgv ?? [])] });
    const slot: Slot = { worker, calls: new Map(), refs: new Set(), alive: true };
    worker.unref();
    // 4.
    worker.on('message', (m: WorkerReply) => {
      const c = slot.calls.get(m.id);
      if (!c) return;
      slot.calls.delete(m.id);
      if (slot.calls.size === 0) worker.unref();
      if (m.ok) c.resolve(m.value);
      else c.reject(new Error(m.error));
    });
    worker.on('error', (e) => this.fail(slot, e));
    worker.on('exit', (code) => this.fail(slot, new Error(`the verifier thread exited (code ${code})`)));
    this.slots = [...this.slots.filter((s) => s.alive), slot];
    return slot;
  }

  private fail(slot: Slot, e: Error): void {
    slot.alive = false;
    const calls = [...slot.calls.values()];
    slot.calls.clear();
    slot.worker.unref();
    for (const c of calls) c.reject(e);
  }

  private call(slot: Slot, message: (id: number) => WorkerRequest, transfer?: ArrayBuffer): Promise<unknown> {
    if (!slot.alive) return Promise.reject(new Error('the verifier thread is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (slot.calls.size === 0) slot.worker.ref();
      slot.calls.set(id, { resolve, reject });
      try {
        slot.worker.postMessage(message(id), transfer ? [transfer] : []);
      } catch (e) {
        // A value that cannot be cloned: this call fails, the worker is fine.
        slot.calls.delete(id);
        if (slot.calls.size === 0) slot.worker.unref();
        reject(e as Error);
      }
    });
  }
}
