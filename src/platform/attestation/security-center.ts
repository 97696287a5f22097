/**
 * The security center's read side (Defender for Cloud–like, azure-tl-facts.md §4.2–§4.3):
 * alerts as stored, and assessments computed from the VMs and their attestation results at
 * request time (so they never drift from the resources they judge):
 *
 *   "Virtual machines guest attestation status should be healthy" (Medium) — VMs with a vTPM,
 *      from their latest attestation result;
 *   "Secure Boot should be enabled" (Low), "vTPM should be enabled" (Low) — Trusted Launch VMs;
 *      VMs of a standard (non-TL) image are NotApplicable.
 * Assessment names: b7604066-… is Defender's assessment key for the attestation recommendation;
 * for the other two no assessment key is published (§4.2 lists only their policy definitions),
 * so the policy definition ids are used.
 */
import { conflict, notFound } from '../errors.js';
import { KIND, ids, keys } from '../model/keys.js';
import type { ManagedCluster, VirtualMachine } from '../model/types.js';
import { StoreConflictError, type Store, type StoredObject } from '../store/store.js';
import { alertKey, type SecurityAlert } from './alerts.js';
import type { AttestationHistoryEntry, AttestationRecord } from './types.js';

export interface AssessmentDefinition {
  readonly name: string;
  readonly displayName: string;
  readonly severity: 'Medium' | 'Low';
  readonly policyDefinitionId?: string;
  readonly description: string;
  readonly remediation: string;
}

export const ASSESSMENTS = {
  attestation: {
    name: 'b7604066-ed76-45f9-a5c1-c97e4812dc55',
    displayName: 'Virtual machines guest attestation status should be healthy',
    severity: 'Medium',
    policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/f6358610-e532-4236-b178-4c65865eb262',
    description: 'Guest attestation is performed by sending a trusted log (TCGLog) to an attestation server. The server uses these logs to determine whether boot components are trustworthy. This assessment is intended to detect compromises of the boot chain which might be the result of a bootkit or rootkit infection.',
    remediation: 'Review the failing components of the VM\'s attestation (tl attestation show) and its security alerts; reimage the node if the change is not expected.',
  },
  secureBoot: {
    name: '97566dd7-78ae-4997-8b36-1c7bfe0d8121',
    displayName: 'Secure Boot should be enabled',
    severity: 'Low',
    policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/97566dd7-78ae-4997-8b36-1c7bfe0d8121',
    description: 'Enable Secure Boot on supported virtual machines to mitigate against malicious and unauthorized changes to the boot chain.',
    remediation: 'Enable Secure Boot on the node pool (tl aks nodepool update --enable-secure-boot).',
  },
  vtpm: {
    name: '1c30f9cd-b84c-49cc-aa2c-9288447cc3b3',
    displayName: 'vTPM should be enabled',
    severity: 'Low',
    policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/1c30f9cd-b84c-49cc-aa2c-9288447cc3b3',
    description: 'Enable virtual TPM device on supported virtual machines to facilitate Measured Boot and other OS security features that require a TPM.',
    remediation: 'Enable vTPM on the node pool (tl aks nodepool update --enable-vtpm).',
  },
} as const satisfies Record<string, AssessmentDefinition>;

export type AssessmentCode = 'Healthy' | 'Unhealthy' | 'NotApplicable';

export interface Assessment {
  readonly definition: AssessmentDefinition;
  readonly resourceId: string;
  readonly computerName: string;
  readonly resourceGroup: string;
  readonly code: AssessmentCode;
  readonly cause?: string;
  readonly description?: string;
  readonly additionalData?: Record<string, string>;
}

/** Where an alert is addressed: the path's `{ascLocation}` and, at resource-group scope, its resource group. */
export interface AlertScope {
  readonly location: string;
  readonly resourceGroup?: string | undefined;
}

/** A location as ARM compares them: case-insensitive, spaces ignored ("East US" = "eastus"). */
export const armLocation = (l: string) => l.replace(/\s+/g, '').toLowerCase();

export class SecurityCenter {
  constructor(private readonly store: Store) {}

  async alerts(sub: string, resourceGroup?: string): Promise<SecurityAlert[]> {
    const all = (await this.store.list<SecurityAlert>(KIND.securityAlert, { prefix: `${sub.toLowerCase()}/` })).map((r) => r.value);
    return (resourceGroup ? all.filter((a) => a.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()) : all).sort((a, b) => b.startTime - a.startTime || a.name.localeCompare(b.name));
  }

  /**
   * One alert, addressed as the Security API addresses it: `…/locations/{ascLocation}/alerts/{name}`,
   * optionally under `resourceGroups/{rg}`. The location (compared as ARM compares locations:
   * case-insensitive, spaces ignored — "East US" is eastus) and, when the path names one, the
   * resource group must be the alert's; otherwise it is not found there (404 AlertNotFound, the
   * Security RP's code and message).
   */
  async alert(sub: string, name: string, scope: AlertScope): Promise<SecurityAlert> {
    return (await this.alertRecord(sub, name, scope)).value;
  }

  /**
   * Alerts_UpdateSubscriptionLevelStateTo{Dismiss,Activate,Resolve} (and the resource-group-level
   * ones): the user's status. It is written with compare-and-swap, as attestation updates the same
   * record (alerts.ts) — neither write loses the other's.
   */
  async setAlertStatus(sub: string, name: string, scope: AlertScope, status: SecurityAlert['status']): Promise<SecurityAlert> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const rec = await this.alertRecord(sub, name, scope);
      if (rec.value.status === status) return rec.value;
      const next: SecurityAlert = { ...rec.value, status };
      try {
        await this.store.commit([{ op: 'put', kind: KIND.securityAlert, key: rec.key, value: next, expectRev: rec.rev }]);
        return next;
      } catch (e) {
        if (!(e instanceof StoreConflictError)) throw e;
      }
    }
    throw conflict('Conflict', `Alert '${name}' changed concurrently; try again.`);
  }

  private async alertRecord(sub: string, name: string, scope: AlertScope): Promise<StoredObject<SecurityAlert>> {
    const rec = await this.store.get<SecurityAlert>(KIND.securityAlert, alertKey(sub, name.toLowerCase()));
    const a = rec?.value;
    if (!rec || !a || armLocation(a.location) !== armLocation(scope.location) || (scope.resourceGroup !== undefined && a.resourceGroup.toLowerCase() !== scope.resourceGroup.toLowerCase())) {
      throw notFound('AlertNotFound', `The alert ${name} could not be found`);
    }
    return rec;
  }

  async assessments(sub: string, resourceGroup?: string): Promise<Assessment[]> {
    const prefix = resourceGroup ? `${sub.toLowerCase()}/${resourceGroup.toLowerCase()}/` : `${sub.toLowerCase()}/`;
    const vms = await this.store.list<VirtualMachine>(KIND.vm, { prefix });
    const results = new Map((await this.store.list<AttestationRecord>(KIND.attestationResult, { prefix })).map((r) => [r.key, r.value]));
    const out: Assessment[] = [];
    for (const { key, value: vm } of vms) {
      const base = { resourceId: ids.vm(vm.subscriptionId, vm.nodeResourceGroup, vm.vmssName, vm.instanceId), computerName: vm.computerName, resourceGroup: vm.nodeResourceGroup };
      const tl = vm.model.securityType === 'TrustedLaunch';
      const r = results.get(key);
      if (!vm.model.vTpmEnabled) out.push({ ...base, definition: ASSESSMENTS.attestation, code: 'NotApplicable', cause: 'VtpmDisabled', description: 'Guest attestation needs a vTPM.' });
      else if (vm.stage === 'Failed') out.push({ ...base, definition: ASSESSMENTS.attestation, code: 'NotApplicable', cause: 'BootFailed', description: `The VM is not running: ${vm.failure?.message ?? 'its last boot failed'}` });
      else if (!r) out.push({ ...base, definition: ASSESSMENTS.attestation, code: 'NotApplicable', cause: 'NotYetAttested', description: 'The VM has not been attested yet.' });
      else {
        const failingFindings = r.findings.filter((f) => !f.suppressed);
        out.push({
          ...base,
          definition: ASSESSMENTS.attestation,
          code: r.status === 'Healthy' ? 'Healthy' : 'Unhealthy',
          ...(r.status !== 'Healthy' ? { cause: r.status, description: failingFindings.map((f) => `${f.component}: ${f.message}`).join(' ') } : {}),
          additionalData: { attestedAt: new Date(r.at).toISOString(), status: r.status, failingComponents: [...new Set(failingFindings.map((f) => f.component))].join(', ') },
        });
      }
      for (const [def, on, what] of [
        [ASSESSMENTS.secureBoot, vm.model.secureBootEnabled, 'Secure Boot'],
        [ASSESSMENTS.vtpm, vm.model.vTpmEnabled, 'vTPM'],
      ] as const) {
        if (!tl) out.push({ ...base, definition: def, code: 'NotApplicable', cause: 'NotTrustedLaunch', description: 'The VM does not run a Trusted Launch image.' });
        else out.push({ ...base, definition: def, code: on ? 'Healthy' : 'Unhealthy', ...(on ? {} : { cause: 'Disabled', description: `${what} is disabled on this Trusted Launch VM.` }) });
      }
    }
    return out;
  }

  /** Latest results of a cluster's VMs (its node resource group), with each VM's computer name. */
  async clusterResults(sub: string, rg: string, clusterName: string): Promise<{ cluster: ManagedCluster; vms: { vm: VirtualMachine; key: string; result?: AttestationRecord }[] }> {
    const cluster = await this.cluster(sub, rg, clusterName);
    const prefix = `${sub.toLowerCase()}/${cluster.nodeResourceGroup.toLowerCase()}/`;
    const vms = await this.store.list<VirtualMachine>(KIND.vm, { prefix });
    const results = new Map((await this.store.list<AttestationRecord>(KIND.attestationResult, { prefix })).map((r) => [r.key, r.value]));
    return { cluster, vms: vms.map((v) => ({ vm: v.value, key: v.key, ...(results.get(v.key) ? { result: results.get(v.key)! } : {}) })) };
  }

  async cluster(sub: string, rg: string, name: string): Promise<ManagedCluster> {
    const rec = await this.store.get<ManagedCluster>(KIND.cluster, keys.cluster(sub, rg, name));
    if (!rec || rec.value.deleting) throw notFound('ResourceNotFound', `The Resource 'Microsoft.ContainerService/managedClusters/${name}' under resource group '${rg}' was not found.`);
    return rec.value;
  }

  async history(vmKey: string): Promise<AttestationHistoryEntry[]> {
    return (await this.store.list<AttestationHistoryEntry>(KIND.attestationHistory, { prefix: `${vmKey}/` })).map((r) => r.value).sort((a, b) => b.seq - a.seq);
  }
}
