/**
 * Guest attestation in the platform: the agent on every VM with a vTPM and the attestation
 * service (MAA-like) it talks to, in one process.
 *
 * Steps of a VM's attestation (`run(vmKey)`, a controller work item fed only while the controller
 * is idle — never on the boot path, idle-feeder.ts):
 *   1. a VM reaching Running (a committed boot: its evidence is in the Store) or its periodic timer
 *      queues the VM; a deleted VM queues its clean-up;
 *   2. skip unless the VM runs with a vTPM and its last result is older than its boot or due;
 *   3. the agent resumes the vTPM (TPM2_Startup(STATE)), reads its identity, activates the
 *      credential the first time (binding AK to EK), gets a nonce and quotes (agent.ts);
 *   4. the verifier checks the evidence against the cluster's policy and the image's reference
 *      values (src/attestation verify());
 *   5. the result (a Healthy one with what its token is minted from: claims, key id, issuer — the
 *      RS256 signature itself is made when the token is asked for, tokenOf()), its history entry,
 *      the alerts and the vTPM state are committed together; the next periodic attestation is
 *      scheduled.
 * Kernel-refused modules in the boot record raise the "untrusted Linux kernel module" alert even
 * without a vTPM.
 */
import { createHash } from 'node:crypto';
import { objectName } from '../../tpm/crypto/name.js';
import {
  ActivationBook,
  failing,
  finding,
  NonceBook,
  signToken,
  TOKEN_LIFETIME_SECONDS,
  verify,
  type Finding,
  type UntrustedEvidence,
  type VerifyResult,
} from '../../attestation/index.js';
import { policyHash, policyText } from '../../attestation/index.js';
import type { ImageService } from '../images/service.js';
import { KIND } from '../model/keys.js';
import type { ScaleSet, VirtualMachine } from '../model/types.js';
import type { Controller } from '../reconcile/controller.js';
import { clusterKeyOfPool } from '../reconcile/agent-pool.js';
import type { PlatformContext } from '../services/context.js';
import type { VmService } from '../services/vms.js';
import type { WriteOp } from '../store/store.js';
import type { VtpmService } from '../vtpm/service.js';
import { activateCredential, QUOTED_PCRS, quotePcrs, readVtpmIdentity, type VtpmIdentity } from './agent.js';
import { alertKey, alertName, alertWrite, fromFinding, refusedModules, type AlertComponent, type AlertKind, type SecurityAlert } from './alerts.js';
import { ExternalAttestation } from './external.js';
import { IdleFeeder } from './idle-feeder.js';
import { ReferenceValueCache } from './references.js';
import { AttestationState } from './settings.js';
import { TokenKeyRing } from './token-keys.js';
import { HISTORY_SLOTS, type AttestationHistoryEntry, type AttestationRecord } from './types.js';

export const ATTEST_QUEUE = 'guestAttestation';

export interface AttestationOptions {
  /** Re-attest every running VM this often (clock ms; default 15 minutes). */
  readonly intervalMs?: number;
  /** Rotate the token signing key this often (default 24 h). */
  readonly keyRotationMs?: number;
  readonly nonceLifetimeMs?: number;
  /** The token issuer (`iss`; `jku` = iss + /certs). main.ts sets the server's URL once it listens. */
  readonly issuer?: string;
}

export interface AttestationDeps {
  readonly vtpm: VtpmService;
  readonly images: ImageService;
  readonly vms: VmService;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class AttestationService {
  readonly nonces: NonceBook;
  readonly activations: ActivationBook;
  readonly keys: TokenKeyRing;
  readonly state: AttestationState;
  readonly refs: ReferenceValueCache;
  readonly intervalMs: number;
  issuer: string;
  private unsubscribe: (() => void) | undefined;
  /** `${vmKey}|${bootAt}` whose boot record was already checked for refused modules. */
  private readonly moduleChecked = new Set<string>();
  private externalFace: ExternalAttestation | undefined;
  private feeder: IdleFeeder | undefined;
  private controller: Controller | undefined;
  /** Periodic timers per VM (cancel functions). */
  private readonly timers = new Map<string, () => void>();
  /** `attestNow` callers waiting for a VM's next run. */
  private readonly waiters = new Map<string, ((r: AttestationRecord | undefined) => void)[]>();
  private readonly tokens = new Map<string, { at: number; token: string }>();
  /** Each VM's vTPM identity (EK, AK, certificates): fixed at manufacture, read from the TPM once per process. */
  private readonly identities = new Map<string, VtpmIdentity>();

  constructor(
    private readonly ctx: PlatformContext,
    private readonly deps: AttestationDeps,
    o: AttestationOptions = {},
  ) {
    const now = () => ctx.clock.now();
    this.nonces = new NonceBook(now, o.nonceLifetimeMs);
    this.activations = new ActivationBook(now);
    this.keys = new TokenKeyRing(ctx.store, now, o.keyRotationMs);
    this.state = new AttestationState(ctx.store, deps.vtpm.ca.certificate);
    this.refs = new ReferenceValueCache(deps.images);
    this.intervalMs = o.intervalMs ?? 15 * 60_000;
    this.issuer = o.issuer ?? 'https://attest.tl.local';
  }

  /** The MAA-like face for evidence produced outside the platform. */
  get external(): ExternalAttestation {
    return (this.externalFace ??= new ExternalAttestation(this, () => this.ctx.clock.now()));
  }

  /** The Store (for the external face's writes). */
  ctxStore() {
    return this.ctx.store;
  }

  register(controller: Controller): void {
    this.controller = controller;
    this.feeder = new IdleFeeder(controller, ATTEST_QUEUE);
    controller.register(ATTEST_QUEUE, (k) => this.run(k));
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
    // 1. Committed boots and deletions wake the VM's attestation.
    this.unsubscribe = store.subscribe((changes) => {
      for (const c of changes) {
        if (c.kind !== KIND.vm) continue;
        const stage = c.type === 'put' ? (c.value as VirtualMachine).stage : undefined;
        if (c.type === 'delete' || stage === 'Running' || stage === 'Failed') this.queue(c.key);
      }
    });
    // After a restart: every running VM (its result may predate its boot, or be due).
    for (const v of await store.list<VirtualMachine>(KIND.vm)) if (v.value.stage === 'Running') this.queue(v.key);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.feeder?.stop();
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  /** The work item for one VM (steps 1–2 and 5's scheduling). */
  async run(vmKey: string): Promise<void> {
    const forced = this.waiters.get(vmKey);
    this.waiters.delete(vmKey);
    let record: AttestationRecord | undefined;
    try {
      record = await this.runOnce(vmKey, !!forced);
    } finally {
      for (const w of forced ?? []) w(record);
    }
  }

  private async runOnce(vmKey: string, forced: boolean): Promise<AttestationRecord | undefined> {
    const { store, clock } = this.ctx;
    const rec = await store.get<VirtualMachine>(KIND.vm, vmKey);
    const prev = (await store.get<AttestationRecord>(KIND.attestationResult, vmKey))?.value;
    if (!rec) {
      this.timers.get(vmKey)?.();
      this.timers.delete(vmKey);
      if (prev) await this.forget(vmKey, prev);
      return undefined;
    }
    const vm = rec.value;
    if (vm.stage === 'Failed' && prev && prev.bootAt !== vm.lastBootAt) {
      // The VM's latest boot failed (Secure Boot refused it): the result describes a boot that no
      // longer runs. It goes (its history stays); the VM is attested again when it boots.
      await store.commit([{ op: 'delete', kind: KIND.attestationResult, key: vmKey }]);
      return undefined;
    }
    if (vm.stage !== 'Running') return undefined;
    const now = clock.now();
    if (!vm.model.vTpmEnabled) {
      // No vTPM, nothing to attest; a result from an earlier vTPM boot no longer applies.
      const writes: WriteOp[] = prev ? [{ op: 'delete', kind: KIND.attestationResult, key: vmKey }] : [];
      writes.push(...(await this.moduleAlerts(vm, vmKey, [])));
      if (writes.length) await store.commit(writes);
      return undefined;
    }
    const newBoot = !prev || prev.bootAt !== vm.lastBootAt;
    if (!forced && !newBoot && now < prev.at + this.intervalMs) {
      if (!this.timers.has(vmKey)) this.schedule(vmKey, prev.at + this.intervalMs);
      return prev;
    }
    const record = await this.attestVm(vm, vmKey, prev, newBoot ? 'post-boot' : 'periodic');
    this.schedule(vmKey, now + this.intervalMs);
    return record;
  }

  /** Steps 3–5 for one running VM with a vTPM. Returns the stored record. */
  async attestVm(vm: VirtualMachine, vmKey: string, prev: AttestationRecord | undefined, reason: 'post-boot' | 'periodic'): Promise<AttestationRecord> {
    const { store, clock } = this.ctx;
    const now = clock.now();
    const clusterKey = clusterKeyOfPool(vm.poolKey);
    const boot = await this.deps.vms.bootRecord(vmKey);
    const imageName = boot?.nodeImage ?? vm.model.nodeImageVersion;
    const [tcgLog, imaLog, settings] = await Promise.all([this.deps.vms.eventLog(vmKey), this.deps.vms.imaLog(vmKey), this.state.settings(clusterKey)]);
    const writes: WriteOp[] = [];
    let evidence: UntrustedEvidence | undefined;
    let agentError: string | undefined;
    let refs;
    try {
      refs = await this.refs.forImage(imageName);
    } catch (e) {
      agentError = `the reference values of node image ${imageName} are unavailable: ${(e as Error).message}`;
    }
    // 3. The agent.
    if (!agentError) {
      const t = await this.deps.vtpm.open(vmKey, vm.vmId, 'resume');
      try {
        let id = this.identities.get(vmKey);
        if (!id) {
          id = await readVtpmIdentity(t.client);
          if (this.identities.size >= 100_000) this.identities.delete(this.identities.keys().next().value!);
          this.identities.set(vmKey, id);
        }
        const ekName = hex(objectName(id.ek));
        const akName = hex(objectName(id.ak));
        if (!this.state.boundAks(ekName).includes(akName)) {
          const ch = this.activations.begin(id.ek, id.ak);
          const r = this.activations.complete(ch.id, await activateCredential(t.client, ch.credentialBlob, ch.encryptedSecret));
          if (r.ok) writes.push(this.state.bind(r.ekName, r.akName, now, vmKey));
        }
        const { nonce } = this.nonces.issue();
        const q = await quotePcrs(t.client, nonce);
        evidence = {
          nonce,
          ekPublic: id.ekPublic,
          ekCertificate: id.ekCertificate,
          akPublic: id.akPublic,
          akCertificate: id.akCertificate,
          ...q,
          ...(tcgLog ? { tcgLog } : {}),
          ...(imaLog ? { imaLog } : {}),
          vmId: vm.vmId,
        };
      } catch (e) {
        agentError = `the vTPM did not answer: ${(e as Error).message}`;
      } finally {
        writes.push(...(await t.suspend()));
      }
    }
    // 4. The service.
    const hash = policyHash(policyText(settings.policy));
    let result: VerifyResult | undefined;
    if (evidence) {
      const m = refs?.osVersion.match(/^(\d+)(?:\.(\d+))?/);
      result = verify(evidence, settings.policy, refs, this.nonces.consume(evidence.nonce), {
        trust: this.state.trust,
        boundAks: this.state.boundAks,
        now,
        requiredPcrs: QUOTED_PCRS,
        vmId: vm.vmId,
        policyHash: hash,
        ...(refs ? { os: { distro: refs.osDistro, ...(m ? { versionMajor: Number(m[1]), versionMinor: Number(m[2] ?? 0) } : {}) } } : {}),
      });
    }
    // 5.
    const findings: readonly Finding[] = result?.findings ?? [finding('agent.unavailable', 'guest attestation agent', `The agent could not collect evidence: ${agentError ?? 'unknown error'}.`)];
    const status = !result ? 'PlatformError' : result.verdict;
    const token = result?.verdict === 'Healthy' && result.claims ? { kid: this.keys.current().kid, issuer: this.issuer, jti: createHash('sha256').update(`${vmKey}|${now}|${vm.lastBootAt ?? 0}`).digest('hex') } : undefined;
    // The history ring continues after a result was dropped (a failed boot): its newest entry says where.
    const seq = prev ? prev.seq + 1 : (await store.list<AttestationHistoryEntry>(KIND.attestationHistory, { prefix: `${vmKey}/` })).reduce((m, e) => Math.max(m, e.value.seq + 1), 0);
    const record: AttestationRecord = {
      status,
      findings,
      at: now,
      vmKey,
      computerName: vm.computerName,
      vmId: vm.vmId,
      subscriptionId: vm.subscriptionId,
      nodeResourceGroup: vm.nodeResourceGroup,
      clusterKey,
      poolName: vm.poolKey.slice(vm.poolKey.lastIndexOf('/') + 1),
      nodeImage: imageName,
      bootAt: vm.lastBootAt,
      secureBoot: vm.model.secureBootEnabled,
      vTpm: vm.model.vTpmEnabled,
      policyHash: hash,
      steps: result?.steps ?? [],
      ...(result?.identity ? { identity: { ekName: result.identity.ekName, akName: result.identity.akName } } : {}),
      reason,
      ...(result?.claims ? { claims: result.claims } : {}),
      ...(token ? { token, tokenExpiresAt: now + TOKEN_LIFETIME_SECONDS * 1000 } : {}),
      ...(result?.attestedPcrs ? { attestedPcrs: result.attestedPcrs } : {}),
      seq,
    };
    const entry: AttestationHistoryEntry = {
      at: now,
      seq,
      status,
      reason,
      bootAt: vm.lastBootAt,
      policyHash: hash,
      findings: findings.map((f) => ({ id: f.id, component: f.component, message: f.message, ...(f.suppressed ? { suppressed: true } : {}) })),
    };
    writes.push({ op: 'put', kind: KIND.attestationResult, key: vmKey, value: record });
    writes.push({ op: 'put', kind: KIND.attestationHistory, key: `${vmKey}/${String(seq % HISTORY_SLOTS).padStart(2, '0')}`, value: entry });
    writes.push(...(await this.alerts(vm, vmKey, record)));
    await store.commit(writes);
    return record;
  }

  /** Alerts for a result: failing findings raise "VM attestation failure"; module findings "untrusted Linux kernel module". */
  private async alerts(vm: VirtualMachine, vmKey: string, r: AttestationRecord): Promise<WriteOp[]> {
    const failingFindings = r.findings.filter(failing);
    const modules = failingFindings.filter((f) => f.category === 'module').map(fromFinding);
    const others = failingFindings.filter((f) => f.category !== 'module').map(fromFinding);
    const out: WriteOp[] = [];
    if (others.length) {
      const w = await this.raise('attestation', vm, vmKey, r.nodeImage, others, r.status);
      if (w) out.push(w);
    }
    out.push(...(await this.moduleAlerts(vm, vmKey, modules, r.nodeImage)));
    return out;
  }

  /** The module alert of this boot: kernel refusals from the boot record plus IMA findings. */
  private async moduleAlerts(vm: VirtualMachine, vmKey: string, fromIma: readonly AlertComponent[], nodeImage?: string): Promise<WriteOp[]> {
    const seen = `${vmKey}|${vm.lastBootAt}`;
    let refused: AlertComponent[] = [];
    if (!this.moduleChecked.has(seen)) {
      const rec = await this.deps.vms.bootRecord(vmKey);
      refused = refusedModules(rec);
      this.moduleChecked.add(seen);
      if (this.moduleChecked.size > 100_000) this.moduleChecked.delete(this.moduleChecked.values().next().value!);
      nodeImage ??= rec?.nodeImage;
    }
    const components = [...refused, ...fromIma];
    if (!components.length) return [];
    const w = await this.raise('module', vm, vmKey, nodeImage ?? vm.model.nodeImageVersion, components);
    return w ? [w] : [];
  }

  private async raise(kind: AlertKind, vm: VirtualMachine, vmKey: string, nodeImage: string, components: readonly AlertComponent[], attestationStatus?: string): Promise<WriteOp | undefined> {
    const { store, clock } = this.ctx;
    const existing = (await store.get<SecurityAlert>(KIND.securityAlert, alertKey(vm.subscriptionId, alertName(vmKey, vm.lastBootAt, kind))))?.value;
    const location = (await store.get<ScaleSet>(KIND.scaleSet, vmKey.slice(0, vmKey.lastIndexOf('/'))))?.value.location ?? 'eastus';
    return alertWrite({ existing, kind, vm, vmKey, location, nodeImage, components, now: clock.now(), ...(attestationStatus ? { attestationStatus } : {}) });
  }

  /** A deleted VM: its result, history and binding go (its alerts stay, as Defender keeps them). */
  private async forget(vmKey: string, prev: AttestationRecord): Promise<void> {
    this.identities.delete(vmKey);
    this.tokens.delete(vmKey);
    const writes: WriteOp[] = [{ op: 'delete', kind: KIND.attestationResult, key: vmKey }];
    for (let i = 0; i < HISTORY_SLOTS; i++) writes.push({ op: 'delete', kind: KIND.attestationHistory, key: `${vmKey}/${String(i).padStart(2, '0')}` });
    if (prev.identity) writes.push(this.state.unbind(prev.identity.ekName));
    await this.ctx.store.commit(writes);
  }
}
