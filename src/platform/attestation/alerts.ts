/**
 * Security alerts (Defender for Cloud–like, azure-tl-facts.md §4.3): "VM attestation failure"
 * (Medium) when a VM's attestation fails, and "untrusted Linux kernel module" (Low) when a module
 * is refused by the kernel (the boot record) or measured outside the baseline (IMA) — "the
 * alerts include details on which components failed to pass integrity checks".
 *
 * An alert is about one boot of one VM: its name is derived from (VM, boot, alert type), so
 * periodic attestations of the same compromised boot update one alert instead of piling up new
 * ones, and a new boot that fails again raises a new alert. The alert-type ids are ours (the
 * real `VM_…` ids are not published, §4.3).
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../../attestation/index.js';
import { KIND, ids } from '../model/keys.js';
import type { VirtualMachine } from '../model/types.js';
import type { BootRecord } from '../services/vms.js';
import type { WriteOp } from '../store/store.js';

export type AlertKind = 'attestation' | 'module';

export interface AlertComponent {
  readonly component: string;
  readonly finding: string;
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly source: 'attestation' | 'kernel';
}

export interface SecurityAlert {
  readonly name: string;
  readonly alertType: string;
  readonly displayName: string;
  readonly severity: 'Medium' | 'Low';
  readonly description: string;
  readonly remediationSteps: readonly string[];
  readonly status: 'Active' | 'Dismissed' | 'Resolved';
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly resourceId: string;
  readonly computerName: string;
  readonly vmKey: string;
  readonly nodeImage: string;
  readonly bootAt: number | undefined;
  readonly startTime: number;
  readonly lastSeen: number;
  readonly components: readonly AlertComponent[];
  readonly attestationStatus?: string;
}

export const ALERTS: Record<AlertKind, Pick<SecurityAlert, 'alertType' | 'displayName' | 'severity' | 'description' | 'remediationSteps'>> = {
  attestation: {
    alertType: 'VM_AttestationFailure',
    displayName: 'VM attestation failure',
    severity: 'Medium',
    description:
      'The attested boot of this virtual machine deviates from its trusted baseline, or its evidence could not be verified as coming from its vTPM. This can indicate a bootkit or rootkit that changed boot components, firmware variables or the kernel command line.',
    remediationSteps: [
      'Review the failing components listed in this alert.',
      'If the change is not expected, treat the node as compromised: cordon and drain it, then reimage it (tl vm reimage).',
      'If Secure Boot is intentionally disabled, enable it or suppress the Secure Boot finding in the cluster\'s attestation policy (tl attestation policy set --secure-boot audit).',
    ],
  },
  module: {
    alertType: 'VM_UntrustedKernelModule',
    displayName: 'untrusted Linux kernel module',
    severity: 'Low',
    description: 'A kernel module that is not signed by a trusted key, or not part of the node image, was loaded or refused on this virtual machine. With Secure Boot the kernel refuses to load it; the VM keeps running.',
    remediationSteps: ['Identify the module and where it came from.', 'Sign it with a key the kernel trusts (enrol a Machine Owner Key) or remove it; if it is expected, add its SHA-256 to the cluster\'s attestation policy allow-list.'],
  },
};

/** Deterministic alert name (a GUID-shaped id): one alert per VM, boot and alert type. */
export function alertName(vmKey: string, bootAt: number | undefined, kind: AlertKind): string {
  const h = createHash('sha256').update(`${vmKey}|${bootAt ?? 0}|${kind}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export const alertKey = (sub: string, name: string) => `${sub.toLowerCase()}/${name}`;

export const fromFinding = (f: Finding): AlertComponent => ({
  component: f.component,
  finding: f.id,
  message: f.message,
  ...(f.expected !== undefined ? { expected: f.expected } : {}),
  ...(f.actual !== undefined ? { actual: f.actual } : {}),
  source: 'attestation',
});

/** Components refused by the kernel, from the boot record (Secure Boot on). */
export function refusedModules(rec: BootRecord | undefined): AlertComponent[] {
  return (rec?.modules ?? [])
    .filter((m) => !m.loaded)
    .map((m) => ({ component: m.name, finding: 'module.refused', message: `The kernel refused to load ${m.name} (SHA-256 ${m.sha256}): ${m.reason}${m.signer ? ` (signed by ${m.signer})` : ''}.`, actual: m.sha256, source: 'kernel' as const }));
}

export interface AlertInput {
  readonly existing: SecurityAlert | undefined;
  /**
   * The stored alert's revision when `existing` was read (0: there was none): the write is
   * conditional on it, so a status the user set meanwhile (dismiss, activate, resolve) is not
   * overwritten — the caller reads the alert again and merges again (attest-batch.ts).
   */
  readonly expectRev?: number;
  readonly kind: AlertKind;
  readonly vm: VirtualMachine;
  readonly vmKey: string;
  readonly location: string;
  readonly nodeImage: string;
  readonly components: readonly AlertComponent[];
  readonly now: number;
  readonly attestationStatus?: string;
}

/**
 * The write that raises (or updates) an alert for the VM's current boot with `components`;
 * undefined when the stored alert already lists them all. The alert keeps the status it has
 * (Active when new): a dismissed or resolved alert stays so while the same boot keeps failing.
 */
export function alertWrite(i: AlertInput): WriteOp | undefined {
  const { existing, vm } = i;
  const name = alertName(i.vmKey, vm.lastBootAt, i.kind);
  const merged = [...(existing?.components ?? [])];
  for (const c of i.components) if (!merged.some((m) => m.component === c.component && m.finding === c.finding)) merged.push(c);
  const status = i.attestationStatus ?? existing?.attestationStatus;
  if (existing && merged.length === existing.components.length && existing.attestationStatus === status) return undefined;
  const value: SecurityAlert = {
    ...ALERTS[i.kind],
    name,
    status: existing?.status ?? 'Active',
    subscriptionId: vm.subscriptionId,
    resourceGroup: vm.nodeResourceGroup,
    location: i.location,
    resourceId: ids.vm(vm.subscriptionId, vm.nodeResourceGroup, vm.vmssName, vm.instanceId),
    computerName: vm.computerName,
    vmKey: i.vmKey,
    nodeImage: i.nodeImage,
    bootAt: vm.lastBootAt,
    startTime: existing?.startTime ?? i.now,
    lastSeen: i.now,
    components: merged,
    ...(status !== undefined ? { attestationStatus: status } : {}),
  };
  return { op: 'put', kind: KIND.securityAlert, key: alertKey(vm.subscriptionId, name), value, ...(i.expectRev !== undefined ? { expectRev: i.expectRev } : {}) };
}
