/**
 * Guest attestation in the platform: the agent on every VM with a vTPM and the attestation
 * service (MAA-like) it talks to, in one process.
 *
 * Steps of a VM's attestation (a controller work item — a batch of VMs the idle feeder hands
 * over only while the controller is idle, never on the boot path (idle-feeder.ts), or one VM for
 * `attestNow` and retries):
 *   1. a VM reaching Running (a committed boot: its evidence is in the Store) or its periodic timer
 *      queues the VM; a deleted VM queues its clean-up; a change of a cluster's attestation
 *      settings queues the cluster's running vTPM VMs;
 *   2. skip unless the VM runs with a vTPM and its last result is older than its boot, was judged
 *      under another policy than the cluster's (its policy hash differs), or is due;
 *   3. the agent resumes the vTPM (TPM2_Startup(STATE)), reads its identity, activates the
 *      credential the first time (binding AK to EK), gets a nonce and quotes (agent.ts);
 *   4. the verifier checks the evidence against the cluster's policy and the image's reference
 *      values (src/attestation verify(), in a worker thread when there is a second core:
 *      verifier.ts) while the next VMs of the batch go through step 3 (attest-batch.ts);
 *   5. the result (a Healthy one with what its token is minted from: claims, key id, issuer — the
 *      RS256 signature itself is made when the token is asked for, tokenOf()), its history entry,
 *      the alerts and the vTPM state of every VM of the batch are committed together; the next
 *      periodic attestation is scheduled.
 * Kernel-refused modules in the boot record raise the "untrusted Linux kernel module" alert even
 * without a vTPM.
 */
import { availableParallelism } from 'node:os';
import { ActivationBook, NonceBook, policyHash, policyText, signToken } from '../../attestation/index.js';
import type { ImageService } from '../images/service.js';
import { KIND } from '../model/keys.js';
import type { ManagedCluster, VirtualMachine } from '../model/types.js';
import { clusterKeyOfPool } from '../reconcile/agent-pool.js';
import type { Controller } from '../reconcile/controller.js';
import type { PlatformContext } from '../services/context.js';
import type { VmService } from '../services/vms.js';
import type { WriteOp } from '../store/store.js';
import type { VtpmService } from '../vtpm/service.js';
import { BatchAttester, type AttestItem } from './attest-batch.js';
import { ExternalAttestation, type ExternalFaceOptions } from './external.js';
import { IdleFeeder } from './idle-feeder.js';
import { ReferenceValueCache } from './references.js';
import { AttestationState } from './settings.js';
import { TokenKeyRing } from './token-keys.js';
import { HISTORY_SLOTS, type AttestationRecord } from './types.js';
import { InThreadVerifier, type Verifier } from './verifier.js';
import { WorkerVerifierPool } from './verifier-pool.js';

export type { AttestItem } from './attest-batch.js';

/** One VM (attestNow, retries). */
export const ATTEST_QUEUE = 'guestAttestation';
/** A batch of VMs from the idle feeder (key: the batch's id). */
export const ATTEST_BATCH_QUEUE = 'guestAttestationBatch';
/** A VM whose attestation threw is tried again this much later (as the controller retries). */
const RETRY_MS = 1000;

export interface AttestationOptions {
  /** Re-attest every running VM this often (clock ms; default 15 minutes). */
  readonly intervalMs?: number;
  /** Rotate the token signing key this often (default 24 h). */
  readonly keyRotationMs?: number;
  readonly nonceLifetimeMs?: number;
  /** The MAA-like face's own nonce and activation books (external.ts); their lifetime is nonceLifetimeMs. */
  readonly external?: Omit<ExternalFaceOptions, 'nonceLifetimeMs'>;
  /** The token issuer (`iss`; `jku` = iss + /certs). main.ts sets the server's URL once it listens. */
  readonly issuer?: string;
  /**
   * Worker threads that verify evidence (0: the event-loop thread). Default: one when the machine
   * has a second core and this runs compiled (a worker needs verifier-worker.js), else none.
   */
  readonly verifierThreads?: number;
  /** The verifier threads' entry and Node options (tests running from TypeScript sources pass a loader). */
  readonly verifierWorker?: { readonly url: URL; readonly execArgv?: readonly string[] };
}

export interface AttestationDeps {
  readonly vtpm: VtpmService;
  readonly images: ImageService;
  readonly vms: VmService;
}

/** The default number of verifier threads (AttestationOptions.verifierThreads). */
export function defaultVerifierThreads(): number {
  return import.meta.url.endsWith('.js') && availableParallelism() > 1 ? 1 : 0;
}

export class AttestationService {
  readonly nonces: NonceBook;
  readonly activations: ActivationBook;
  readonly keys: TokenKeyRing;
  readonly state: AttestationState;
  readonly refs: ReferenceValueCache;
  readonly intervalMs: number;
  issuer: string;
  /** Where MakeCredential and verifications run (verifier.ts). */
  verifier: Verifier;
  private readonly batch: BatchAttester;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private externalFace: ExternalAttestation | undefined;
  private readonly externalOptions: ExternalFaceOptions;
  private feeder: IdleFeeder | undefined;
  private controller: Controller | undefined;
  /** Periodic timers per VM (cancel functions). */
  private readonly timers = new Map<string, () => void>();
  /** `attestNow` callers waiting for a VM's next run. */
  private readonly waiters = new Map<string, ((r: AttestationRecord | undefined) => void)[]>();
  private readonly tokens = new Map<string, { at: number; token: string }>();

  constructor(
    private readonly ctx: PlatformContext,
    deps: AttestationDeps,
    o: AttestationOptions = {},
  ) {
    const now = () => ctx.clock.now();
    // The platform's agents' nonces and activations; the public face has its own (external.ts).
    this.nonces = new NonceBook(now, o.nonceLifetimeMs);
    this.activations = new ActivationBook(now);
    this.keys = new TokenKeyRing(ctx.store, now, o.keyRotationMs);
    this.state = new AttestationState(ctx.store, deps.vtpm.ca.certificate);
    this.refs = new ReferenceValueCache(deps.images);
    this.externalOptions = { ...o.external, ...(o.nonceLifetimeMs !== undefined ? { nonceLifetimeMs: o.nonceLifetimeMs } : {}) };
    this.intervalMs = o.intervalMs ?? 15 * 60_000;
    this.issuer = o.issuer ?? 'https://attest.tl.local';
    const threads = o.verifierThreads ?? defaultVerifierThreads();
    this.verifier = threads > 0 ? new WorkerVerifierPool({ threads, ...(o.verifierWorker ?? {}) }) : new InThreadVerifier();
    this.batch = new BatchAttester({
      ctx,
      vtpm: deps.vtpm,
      vms: deps.vms,
      nonces: this.nonces,
      activations: this.activations,
      keys: this.keys,
      state: this.state,
      refs: this.refs,
      verifier: () => this.verifier,
      issuer: () => this.issuer,
    });
  }

  /** The MAA-like face for evidence produced outside the platform. */
  get external(): ExternalAttestation {
    return (this.externalFace ??= new ExternalAttestation(this, () => this.ctx.clock.now(), this.externalOptions));
  }

  /** The Store (for the external face's writes). */
  ctxStore() {
    return this.ctx.store;
  }

  register(controller: Controller): void {
    this.controller = controller;
    this.feeder = new IdleFeeder(controller, ATTEST_BATCH_QUEUE);
    controller.register(ATTEST_QUEUE, (k) => this.run(k));
    controller.register(ATTEST_BATCH_QUEUE, (id) => this.runBatch(id));
  }

  /** Queue a VM for attestation (background: it enters the controller when it is idle). */
  private queue(vmKey: string): void {
    if (this.feeder) this.feeder.add(vmKey);
    else this.ctx.queue.enqueue(ATTEST_QUEUE, vmKey);
  }

  private schedule(vmKey: string, at: number): void {
    this.timers.get(vmKey)?.();
    this.timers.set(vmKey, this.ctx.clock.setTimer(at - this.ctx.clock.now(), () => {
      this.timers.delete(vmKey);
      this.queue(vmKey);
    }));
  }

  /** Attest a running vTPM VM now (in the controller, after the work in progress); resolves with its record. */
  attestNow(vmKey: string): Promise<AttestationRecord | undefined> {
    return new Promise((resolve) => {
      const w = this.waiters.get(vmKey) ?? [];
      w.push(resolve);
      this.waiters.set(vmKey, w);
      this.ctx.queue.enqueue(ATTEST_QUEUE, vmKey);
    });
  }

  /**
   * The token of a Healthy result, signed with the key that was current when the VM attested
   * (memoised per VM); undefined when there is none or its key has retired (the token expired).
   */
  tokenOf(r: AttestationRecord): string | undefined {
    if (!r.token || !r.claims) return undefined;
    const hit = this.tokens.get(r.vmKey);
    if (hit && hit.at === r.at) return hit.token;
    const key = this.keys.find(r.token.kid);
    if (!key) return undefined;
    const token = signToken(r.claims, key, { issuer: r.token.issuer, now: r.at, jti: r.token.jti });
    if (this.tokens.size >= 10_000) this.tokens.delete(this.tokens.keys().next().value!);
    this.tokens.set(r.vmKey, { at: r.at, token });
    return token;
  }

  /** Resolves when no attestation is waiting or running (tests, benches, shutdown). */
  async settled(): Promise<void> {
    for (;;) {
      await this.controller?.idle();
      if (!this.feeder?.busy) return;
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  async start(): Promise<void> {
    await this.state.load();
    await this.keys.load();
    const { store } = this.ctx;
    // 1. Committed boots and deletions wake the VM's attestation; a committed change of a
    // cluster's settings (`attestation policy set`) wakes its VMs' — step 2 re-attests those whose
    // result was judged under another policy, in the feeder's batches like any other.
    this.unsubscribe = store.subscribe((changes) => {
      for (const c of changes) {
        if (c.kind === KIND.attestationSettings && c.type === 'put') {
          this.queueCluster(c.key).catch((e: unknown) => this.ctx.log.error({ err: e, cluster: c.key }, 'could not queue the re-attestation of a cluster after its attestation policy changed'));
          continue;
        }
        if (c.kind !== KIND.vm) continue;
        const stage = c.type === 'put' ? (c.value as VirtualMachine).stage : undefined;
        if (c.type === 'delete' || stage === 'Running' || stage === 'Failed') this.queue(c.key);
      }
    });
    // The verifier threads start while the first boots run; if they cannot, the event-loop thread verifies.
    this.stopped = false;
    const verifier = this.verifier;
    void verifier.warm().catch((e: unknown) => {
      if (this.stopped || this.verifier !== verifier || verifier.threads === 0) return;
      this.ctx.log.warn({ err: e }, 'the attestation verifier threads did not start; verifying in the event loop');
      this.verifier = new InThreadVerifier();
      void verifier.close().catch(() => {});
    });
    // After a restart: every running VM (its result may predate its boot, or be due).
    for (const v of await store.list<VirtualMachine>(KIND.vm)) if (v.value.stage === 'Running') this.queue(v.key);
  }

  /** Queue a cluster's running vTPM VMs (its settings changed): step 2 decides which need attesting. */
  private async queueCluster(clusterKey: string): Promise<void> {
    const cluster = (await this.ctx.store.get<ManagedCluster>(KIND.cluster, clusterKey))?.value;
    if (!cluster || this.stopped) return;
    const prefix = `${cluster.subscriptionId.toLowerCase()}/${cluster.nodeResourceGroup.toLowerCase()}/`;
    for (const { key, value: vm } of await this.ctx.store.list<VirtualMachine>(KIND.vm, { prefix })) {
      if (vm.stage === 'Running' && vm.model.vTpmEnabled && clusterKeyOfPool(vm.poolKey) === clusterKey) this.queue(key);
    }
  }

  /** Stop attesting (a later call still works: the verifier threads start again when needed). */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.feeder?.stop();
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.stopped = true;
    void this.verifier.close().catch(() => {});
  }

  /** The work item for one VM (`attestNow`, a retry): steps 1–2, 3–5 and 5's scheduling. */
  async run(vmKey: string): Promise<void> {
    const [r] = await this.runKeys([vmKey]);
    if (r instanceof Error) throw r;
  }

  /** The work item for a batch the idle feeder handed over (one controller item for all its VMs). */
  private async runBatch(batchId: string): Promise<void> {
    const keys = this.feeder?.take(batchId) ?? [];
    const out = await this.runKeys(keys);
    const retryAt = this.ctx.clock.now() + RETRY_MS;
    out.forEach((r, i) => {
      if (!(r instanceof Error)) return;
      // As the controller does with a failed work item: say why, try that VM again later.
      this.ctx.log.error({ err: r, kind: ATTEST_QUEUE, key: keys[i] }, 'attestation failed; retrying');
      this.controller?.enqueueAt(ATTEST_QUEUE, keys[i]!, retryAt);
    });
  }

  /**
   * Steps 1–2 for each VM, then 3–5 for those due, pipelined (attest-batch.ts), then 5's
   * scheduling. `attestNow` callers waiting for one of these VMs force its attestation and get
   * its record.
   */
  private async runKeys(keys: readonly string[]): Promise<(AttestationRecord | undefined | Error)[]> {
    const forced = keys.map((k) => {
      const w = this.waiters.get(k);
      this.waiters.delete(k);
      return w;
    });
    const out: (AttestationRecord | undefined | Error)[] = new Array(keys.length).fill(undefined);
    const due: { i: number; item: AttestItem; now: number }[] = [];
    try {
      for (let i = 0; i < keys.length; i++) {
        try {
          const d = await this.decide(keys[i]!, !!forced[i]);
          if ('item' in d) due.push({ i, item: d.item, now: d.now });
          else out[i] = d.done;
        } catch (e) {
          out[i] = e instanceof Error ? e : new Error(String(e));
        }
      }
      const records = await this.batch.attest(due.map((d) => d.item));
      due.forEach((d, j) => {
        const r = records[j]!;
        out[d.i] = r;
        if (!(r instanceof Error)) this.schedule(d.item.vmKey, d.now + this.intervalMs);
      });
    } finally {
      forced.forEach((w, i) => {
        const r = out[i];
        for (const resolve of w ?? []) resolve(r instanceof Error ? undefined : r);
      });
    }
    return out;
  }

  /** Steps 1–2 for one VM: what is already settled, or the attestation it needs now. */
  private async decide(vmKey: string, forced: boolean): Promise<{ done: AttestationRecord | undefined } | { item: AttestItem; now: number }> {
    const { store, clock } = this.ctx;
    const rec = await store.get<VirtualMachine>(KIND.vm, vmKey);
    const prev = (await store.get<AttestationRecord>(KIND.attestationResult, vmKey))?.value;
    if (!rec) {
      this.timers.get(vmKey)?.();
      this.timers.delete(vmKey);
      if (prev) await this.forget(vmKey, prev);
      return { done: undefined };
    }
    const vm = rec.value;
    if (vm.stage === 'Failed' && prev && prev.bootAt !== vm.lastBootAt) {
      // The VM's latest boot failed (Secure Boot refused it): the result describes a boot that no
      // longer runs. It goes (its history stays); the VM is attested again when it boots.
      await store.commit([{ op: 'delete', kind: KIND.attestationResult, key: vmKey }]);
      return { done: undefined };
    }
    if (vm.stage !== 'Running') return { done: undefined };
    const now = clock.now();
    if (!vm.model.vTpmEnabled) {
      // No vTPM, nothing to attest; a result from an earlier vTPM boot no longer applies.
      const writes: WriteOp[] = prev ? [{ op: 'delete', kind: KIND.attestationResult, key: vmKey }] : [];
      const refused = await this.batch.refusedOnce(vm, vmKey);
      const alerts = () => this.batch.moduleAlerts(vm, vmKey, [], refused);
      const first = await alerts();
      if (writes.length || first.length) await this.batch.commitWithAlerts(writes, first, alerts);
      return { done: undefined };
    }
    const newBoot = !prev || prev.bootAt !== vm.lastBootAt;
    // A result judged under another policy than the cluster's is stale (the policy was set since).
    const policyChanged = !!prev && prev.policyHash !== policyHash(policyText((await this.state.settings(clusterKeyOfPool(vm.poolKey))).policy));
    if (!forced && !newBoot && !policyChanged && now < prev.at + this.intervalMs) {
      if (!this.timers.has(vmKey)) this.schedule(vmKey, prev.at + this.intervalMs);
      return { done: prev };
    }
    // An attestation asked for (attestNow, `--refresh`) is 'periodic' unless the VM booted since.
    return { item: { vm, vmKey, prev, reason: newBoot ? 'post-boot' : policyChanged && !forced ? 'policy-change' : 'periodic' }, now };
  }

  /** Steps 3–5 for one running VM with a vTPM. Returns the stored record. */
  async attestVm(vm: VirtualMachine, vmKey: string, prev: AttestationRecord | undefined, reason: AttestItem['reason']): Promise<AttestationRecord> {
    const [r] = await this.batch.attest([{ vm, vmKey, prev, reason }]);
    if (r instanceof Error) throw r;
    return r!;
  }

  /**
   * Steps 3–5 for running vTPM VMs, pipelined and committed together (attest-batch.ts): what a
   * feeder batch runs. Each VM's stored record, or the Error that stopped it.
   */
  attestBatch(items: readonly AttestItem[]): Promise<(AttestationRecord | Error)[]> {
    return this.batch.attest(items);
  }

  /** A deleted VM: its result, history and binding go (its alerts stay, as Defender keeps them). */
  private async forget(vmKey: string, prev: AttestationRecord): Promise<void> {
    this.batch.forget(vmKey);
    this.tokens.delete(vmKey);
    const writes: WriteOp[] = [{ op: 'delete', kind: KIND.attestationResult, key: vmKey }];
    for (let i = 0; i < HISTORY_SLOTS; i++) writes.push({ op: 'delete', kind: KIND.attestationHistory, key: `${vmKey}/${String(i).padStart(2, '0')}` });
    if (prev.identity) writes.push(this.state.unbind(prev.identity.ekName));
    await this.ctx.store.commit(writes);
  }
}
