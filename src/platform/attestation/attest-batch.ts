/**
 * Steps 3–5 of a VM's attestation (service.ts) for a batch of running vTPM VMs, pipelined:
 *
 *   1. up to `lanes` VMs are in flight: while one waits for the verifier (MakeCredential of its
 *      credential activation, or the verification of its evidence — in a worker thread when the
 *      machine has a second core, verifier.ts), the event-loop thread drives the next VM's vTPM;
 *      each VM's vTPM is opened by its own lane only, and the whole batch runs as one controller
 *      work item, so no boot opens a vTPM of the batch meanwhile;
 *   2. per VM: the agent resumes the vTPM, reads its identity (once per process), activates the
 *      credential the first time (binding AK to EK), gets a nonce and quotes (agent.ts); the nonce
 *      is consumed when the evidence reaches the service, then the evidence is verified against
 *      the cluster's policy and the image's reference values; the result, its history entry, the
 *      alerts and the vTPM state become that VM's writes;
 *   3. the writes of every VM of the batch are committed together (one Store transaction); if
 *      that fails, each VM's writes are committed on their own, so one VM cannot sink the others.
 *
 * A VM whose steps throw (its vTPM cannot be opened, the verifier thread died, its commit
 * failed) gets an Error in its place; the caller retries it.
 */
import { createHash } from 'node:crypto';
import { failing, finding, policyHash, policyText, TOKEN_LIFETIME_SECONDS, type ActivationBook, type Finding, type NonceBook, type UntrustedEvidence } from '../../attestation/index.js';
import { objectName } from '../../tpm/crypto/name.js';
import { KIND } from '../model/keys.js';
import type { ScaleSet, VirtualMachine } from '../model/types.js';
import { clusterKeyOfPool } from '../reconcile/agent-pool.js';
import type { PlatformContext } from '../services/context.js';
import type { BootRecord, VmService } from '../services/vms.js';
import { StoreConflictError, type WriteOp } from '../store/store.js';
import type { VtpmService } from '../vtpm/service.js';
import { activateCredential, QUOTED_PCRS, quotePcrs, readVtpmIdentity, type VtpmIdentity } from './agent.js';
import { alertKey, alertName, alertWrite, fromFinding, refusedModules, type AlertComponent, type AlertKind, type SecurityAlert } from './alerts.js';
import type { ReferenceValueCache } from './references.js';
import type { AttestationState } from './settings.js';
import type { TokenKeyRing } from './token-keys.js';
import { HISTORY_SLOTS, type AttestationHistoryEntry, type AttestationReason, type AttestationRecord } from './types.js';
import type { TrustSource, Verifier } from './verifier.js';
import type { JobResult } from './verify-job.js';

export interface AttestItem {
  readonly vm: VirtualMachine;
  readonly vmKey: string;
  readonly prev: AttestationRecord | undefined;
  readonly reason: AttestationReason;
}

export interface BatchDeps {
  readonly ctx: PlatformContext;
  readonly vtpm: VtpmService;
  readonly vms: VmService;
  readonly nonces: NonceBook;
  readonly activations: ActivationBook;
  readonly keys: TokenKeyRing;
  readonly state: AttestationState;
  readonly refs: ReferenceValueCache;
  readonly verifier: () => Verifier;
  readonly issuer: () => string;
}

/** VMs of a batch in flight at once (step 1): enough to keep one verifier thread busy. */
export const DEFAULT_LANES = 4;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

interface Collected {
  readonly record: AttestationRecord;
  readonly writes: WriteOp[];
  /** The alert writes (conditional on the alerts' revisions), and how to make them again on a conflict. */
  alerts: WriteOp[];
  readonly redoAlerts: () => Promise<WriteOp[]>;
}

/** Times a VM's writes are re-made and committed again when an alert changed meanwhile. */
const ALERT_CONFLICT_RETRIES = 5;

export class BatchAttester {
  /** Each VM's vTPM identity (EK, AK, certificates): fixed at manufacture, read from the TPM once per process. */
  private readonly identities = new Map<string, VtpmIdentity>();
  /** `${vmKey}|${bootAt}` whose boot record was already checked for refused modules. */
  private readonly moduleChecked = new Set<string>();
  private readonly trust: TrustSource;

  constructor(private readonly d: BatchDeps) {
    const state = d.state;
    this.trust = {
      get store() {
        return state.trust;
      },
      anchors: () => state.anchorInputs(),
    };
  }

  forget(vmKey: string): void {
    this.identities.delete(vmKey);
  }

  /** Steps 1–3 for the VMs of a batch; the stored record of each, or the Error that stopped it. */
  async attest(items: readonly AttestItem[], lanes = DEFAULT_LANES): Promise<(AttestationRecord | Error)[]> {
    const out: (Collected | Error)[] = new Array(items.length);
    let next = 0;
    // 1.
    const lane = async () => {
      while (next < items.length) {
        const i = next++;
        try {
          out[i] = await this.collect(items[i]!);
        } catch (e) {
          out[i] = e instanceof Error ? e : new Error(String(e));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, lane));
    // 3.
    const done = out.filter((c): c is Collected => !(c instanceof Error));
    if (done.length) {
      try {
        await this.d.ctx.store.commit(done.flatMap((c) => [...c.writes, ...c.alerts]));
      } catch {
        for (let i = 0; i < out.length; i++) {
          const c = out[i]!;
          if (c instanceof Error) continue;
          try {
            c.alerts = await this.commitWithAlerts(c.writes, c.alerts, c.redoAlerts);
          } catch (e) {
            out[i] = e instanceof Error ? e : new Error(String(e));
          }
        }
      }
    }
    return out.map((c) => (c instanceof Error ? c : c.record));
  }

  /** Step 2 for one VM: its record and writes. */
  private async collect({ vm, vmKey, prev, reason }: AttestItem): Promise<Collected> {
    const { ctx, state } = this.d;
    const { store, clock } = ctx;
    const now = clock.now();
    const clusterKey = clusterKeyOfPool(vm.poolKey);
    const boot = await this.d.vms.bootRecord(vmKey);
    const imageName = boot?.nodeImage ?? vm.model.nodeImageVersion;
    const [tcgLog, imaLog, settings] = await Promise.all([this.d.vms.eventLog(vmKey), this.d.vms.imaLog(vmKey), state.settings(clusterKey)]);
    const writes: WriteOp[] = [];
    let evidence: UntrustedEvidence | undefined;
    let ekName = '';
    let agentError: string | undefined;
    let refs;
    try {
      refs = await this.d.refs.forImage(imageName);
    } catch (e) {
      agentError = `the reference values of node image ${imageName} are unavailable: ${(e as Error).message}`;
    }
    // The agent.
    if (!agentError) {
      const t = await this.d.vtpm.open(vmKey, vm.vmId, 'resume');
      try {
        let id = this.identities.get(vmKey);
        if (!id) {
          id = await readVtpmIdentity(t.client);
          if (this.identities.size >= 100_000) this.identities.delete(this.identities.keys().next().value!);
          this.identities.set(vmKey, id);
        }
        ekName = hex(objectName(id.ek));
        const akName = hex(objectName(id.ak));
        if (!state.boundAks(ekName).includes(akName)) {
          const verifier = this.d.verifier();
          const ch = await this.d.activations.beginWith(id.ek, id.ak, (ek, secret, name) => verifier.makeCredential(ek, secret, name));
          const r = this.d.activations.complete(ch.id, await activateCredential(t.client, ch.credentialBlob, ch.encryptedSecret));
          if (r.ok) writes.push(state.bind(r.ekName, r.akName, now, vmKey));
        }
        const { nonce } = this.d.nonces.issue();
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
    // The service.
    const hash = policyHash(policyText(settings.policy));
    let result: JobResult | undefined;
    if (evidence) {
      const m = refs?.osVersion.match(/^(\d+)(?:\.(\d+))?/);
      result = await this.d.verifier().verify(
        {
          evidence,
          policy: settings.policy,
          policyHash: hash,
          nonce: this.d.nonces.consume(evidence.nonce),
          now,
          requiredPcrs: QUOTED_PCRS,
          vmId: vm.vmId,
          ...(refs ? { os: { distro: refs.osDistro, ...(m ? { versionMajor: Number(m[1]), versionMinor: Number(m[2] ?? 0) } : {}) } } : {}),
          bound: { ekName, akNames: state.boundAks(ekName) },
        },
        refs,
        this.trust,
      );
    }
    // The result.
    const findings: readonly Finding[] = result?.findings ?? [finding('agent.unavailable', 'guest attestation agent', `The agent could not collect evidence: ${agentError ?? 'unknown error'}.`)];
    const status = !result ? 'PlatformError' : result.verdict;
    const token = result?.verdict === 'Healthy' && result.claims ? { kid: this.d.keys.current().kid, issuer: this.d.issuer(), jti: createHash('sha256').update(`${vmKey}|${now}|${vm.lastBootAt ?? 0}`).digest('hex') } : undefined;
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
    const refused = await this.refusedOnce(vm, vmKey, { record: boot });
    const alerts = () => this.alerts(vm, vmKey, record, refused);
    return { record, writes, alerts: await alerts(), redoAlerts: alerts };
  }

  /**
   * Commit `writes` with alert writes, made again (from the alerts as they are now) and committed
   * again while an alert changed since they were made: a user's dismiss/activate/resolve, or
   * another attestation's update, is kept, never overwritten. Returns the alert writes committed.
   */
  async commitWithAlerts(writes: readonly WriteOp[], alerts: WriteOp[], redo: () => Promise<WriteOp[]>): Promise<WriteOp[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.d.ctx.store.commit([...writes, ...alerts]);
        return alerts;
      } catch (e) {
        if (!(e instanceof StoreConflictError && e.kind === KIND.securityAlert) || attempt >= ALERT_CONFLICT_RETRIES) throw e;
        alerts = await redo();
      }
    }
  }

  /** Alerts for a result: failing findings raise "VM attestation failure"; module findings "untrusted Linux kernel module". */
  private async alerts(vm: VirtualMachine, vmKey: string, r: AttestationRecord, refused: Refused): Promise<WriteOp[]> {
    const failingFindings = r.findings.filter(failing);
    const modules = failingFindings.filter((f) => f.category === 'module').map(fromFinding);
    const others = failingFindings.filter((f) => f.category !== 'module').map(fromFinding);
    const out: WriteOp[] = [];
    if (others.length) {
      const w = await this.raise('attestation', vm, vmKey, r.nodeImage, others, r.status);
      if (w) out.push(w);
    }
    out.push(...(await this.moduleAlerts(vm, vmKey, modules, refused, r.nodeImage)));
    return out;
  }

  /**
   * The modules the kernel refused in this boot, from the boot record — read once per boot (`boot`
   * is the record when the caller has just read it); empty when this boot was already checked.
   */
  async refusedOnce(vm: VirtualMachine, vmKey: string, boot?: { readonly record: BootRecord | undefined }): Promise<Refused> {
    const seen = `${vmKey}|${vm.lastBootAt}`;
    if (this.moduleChecked.has(seen)) return { components: [] };
    const rec = boot ? boot.record : await this.d.vms.bootRecord(vmKey);
    this.moduleChecked.add(seen);
    if (this.moduleChecked.size > 100_000) this.moduleChecked.delete(this.moduleChecked.values().next().value!);
    return { components: refusedModules(rec), ...(rec?.nodeImage ? { nodeImage: rec.nodeImage } : {}) };
  }

  /** The module alert of this boot: kernel refusals (`refusedOnce`) plus IMA findings. */
  async moduleAlerts(vm: VirtualMachine, vmKey: string, fromIma: readonly AlertComponent[], refused: Refused, nodeImage?: string): Promise<WriteOp[]> {
    const components = [...refused.components, ...fromIma];
    if (!components.length) return [];
    const w = await this.raise('module', vm, vmKey, nodeImage ?? refused.nodeImage ?? vm.model.nodeImageVersion, components);
    return w ? [w] : [];
  }

  /** The write raising or updating an alert, conditional on the alert's revision as read here. */
  private async raise(kind: AlertKind, vm: VirtualMachine, vmKey: string, nodeImage: string, components: readonly AlertComponent[], attestationStatus?: string): Promise<WriteOp | undefined> {
    const { store, clock } = this.d.ctx;
    const existing = await store.get<SecurityAlert>(KIND.securityAlert, alertKey(vm.subscriptionId, alertName(vmKey, vm.lastBootAt, kind)));
    const location = (await store.get<ScaleSet>(KIND.scaleSet, vmKey.slice(0, vmKey.lastIndexOf('/'))))?.value.location ?? 'eastus';
    return alertWrite({ existing: existing?.value, expectRev: existing?.rev ?? 0, kind, vm, vmKey, location, nodeImage, components, now: clock.now(), ...(attestationStatus ? { attestationStatus } : {}) });
  }
}

/** Kernel-refused modules of a boot, with the node image its boot record names. */
export interface Refused {
  readonly components: readonly AlertComponent[];
  readonly nodeImage?: string;
}
