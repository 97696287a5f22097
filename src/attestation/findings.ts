/**
 * Findings: every failed check of the verifier is one finding with a stable dotted id
 * (`component.sub_component.event`, the shape of keylime's `failure.py` events) that names the
 * component with the expected and actual values. Findings are data, never exceptions
 * (DESIGN.md §5). The registry below is the single list of ids: severity, category and the
 * Defender-like alert a finding raises are looked up here, so no caller invents an id.
 */

export type Severity = 'High' | 'Medium' | 'Low' | 'Informational';

/**
 * - evidence: the evidence cannot be trusted (freshness, identity, signature) — "quote not
 *   verifiable as from the VM's vTPM" (azure-tl-facts.md §4.3);
 * - integrity: a measured component deviates from the trusted baseline;
 * - configuration: a setting the baseline requires (Secure Boot on);
 * - module: a kernel module outside the baseline (the "untrusted Linux kernel module" alert);
 * - platform: the agent could not produce evidence (PlatformError).
 */
export type FindingCategory = 'evidence' | 'integrity' | 'configuration' | 'module' | 'platform';

export interface FindingSpec {
  readonly severity: Severity;
  readonly category: FindingCategory;
  readonly title: string;
}

const evidence = (title: string, severity: Severity = 'High'): FindingSpec => ({ severity, category: 'evidence', title });
const integrity = (title: string, severity: Severity = 'High'): FindingSpec => ({ severity, category: 'integrity', title });

/** Every finding id the verifier and the agent can produce. */
export const FINDINGS = {
  'evidence.malformed': evidence('The evidence is malformed'),
  'nonce.missing': evidence('The evidence carries no nonce'),
  'nonce.unknown': evidence('The nonce was not issued by this service'),
  'nonce.reused': evidence('The nonce was already used'),
  'nonce.expired': evidence('The nonce expired'),
  'ek.certificate_invalid': evidence('The EK certificate does not parse'),
  'ek.untrusted_ca': evidence('The EK certificate does not chain to a trusted vTPM CA'),
  'ek.certificate_expired': evidence('The EK certificate is outside its validity period'),
  'ek.not_ek_certificate': evidence('The certificate is not an EK certificate'),
  'ek.public_mismatch': evidence('The EK public area does not match the EK certificate'),
  'ak.attributes_invalid': evidence('The AK is not a restricted signing key that never leaves the TPM'),
  'ak.not_bound': evidence('The AK is not bound to the EK by credential activation'),
  'ak.certificate_invalid': evidence('The AK certificate does not parse'),
  'ak.untrusted_ca': evidence('The AK certificate does not chain to a trusted vTPM CA'),
  'ak.certificate_expired': evidence('The AK certificate is outside its validity period'),
  'ak.certificate_mismatch': evidence('The AK certificate certifies another key'),
  'quote.malformed': evidence('The quote does not parse'),
  'quote.signature_invalid': evidence('The quote signature does not verify with the AK'),
  'quote.not_quote': evidence('The attestation structure is not a TPM-generated quote'),
  'quote.nonce_mismatch': evidence('The quote does not carry the nonce'),
  'quote.pcrs_missing': evidence('The quote does not cover the required PCRs'),
  'quote.pcr_digest_mismatch': evidence('The PCR values do not match the quoted PCR digest'),
  'eventlog.missing': integrity('The TCG event log is missing'),
  'eventlog.malformed': integrity('The TCG event log does not parse'),
  'eventlog.replay_mismatch': integrity('The TCG event log does not replay to the quoted PCR'),
  'eventlog.event_data_mismatch': integrity('An event\'s data does not match its measured digest'),
  'ima.missing': integrity('The IMA measurement list is missing'),
  'ima.malformed': integrity('The IMA measurement list does not parse'),
  'ima.replay_mismatch': integrity('The IMA measurement list does not replay to the quoted PCR 10'),
  'ima.boot_aggregate_mismatch': integrity('IMA\'s boot_aggregate does not match the boot measurements'),
  'ima.template_hash_mismatch': integrity('An IMA entry\'s template hash does not match its data'),
  'secureboot.disabled': { severity: 'Medium', category: 'configuration', title: 'Secure Boot is disabled' },
  'secureboot.state_unknown': integrity('The Secure Boot state was not measured'),
  'secureboot.pk_modified': integrity('The platform key (PK) differs from the baseline'),
  'secureboot.kek_modified': integrity('The key exchange keys (KEK) differ from the baseline'),
  'secureboot.db_modified': integrity('The signature database (db) differs from the baseline'),
  'secureboot.dbx_modified': integrity('The forbidden signature database (dbx) lacks baseline revocations'),
  'secureboot.authority_untrusted': integrity('A boot component was authorised by an unexpected certificate'),
  'secureboot.sbat_level_mismatch': integrity('The SBAT revocation level differs from the baseline', 'Medium'),
  'secureboot.anomaly': integrity('The Secure Boot measurements are inconsistent'),
  'boot.shim.authenticode_mismatch': integrity('The first-stage boot loader (shim) is not the baseline\'s'),
  'boot.bootloader.authenticode_mismatch': integrity('The boot loader is not the baseline\'s'),
  'boot.kernel.authenticode_mismatch': integrity('The kernel is not the baseline\'s'),
  'boot.application_unexpected': integrity('An unexpected EFI application was started'),
  'boot.application_missing': integrity('A boot component was not measured'),
  'boot.kernel.file_mismatch': integrity('The kernel file read by the boot loader differs from the baseline'),
  'boot.initrd.file_mismatch': integrity('The initial ramdisk differs from the baseline'),
  'kernel.cmdline_modified': integrity('The kernel command line differs from the baseline'),
  'kernel.debug_enabled': integrity('Kernel debugging is enabled on the command line', 'Medium'),
  'mok.modified': integrity('The machine owner keys (MokList/MokListX) differ from the baseline'),
  'module.untrusted': { severity: 'Low', category: 'module', title: 'An untrusted Linux kernel module was measured' },
  'agent.unavailable': { severity: 'Medium', category: 'platform', title: 'The guest attestation agent could not collect evidence' },
} as const satisfies Record<string, FindingSpec>;

export type FindingId = keyof typeof FINDINGS;

export interface Finding {
  readonly id: FindingId;
  readonly severity: Severity;
  readonly category: FindingCategory;
  /** The component the finding is about: a file (`vmlinuz-5.15.0-1079-azure`), a variable (`db`), a PCR (`PCR 7`), a key (`EK`). */
  readonly component: string;
  /** One sentence in operator words (says why not). */
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  /** Reported but not failing the verdict (the policy suppresses it, e.g. secureboot.disabled in audit mode). */
  readonly suppressed?: boolean;
}

export function finding(id: FindingId, component: string, message: string, values: { expected?: string | undefined; actual?: string | undefined } = {}): Finding {
  const spec: FindingSpec = FINDINGS[id];
  return {
    id,
    severity: spec.severity,
    category: spec.category,
    component,
    message,
    ...(values.expected !== undefined ? { expected: values.expected } : {}),
    ...(values.actual !== undefined ? { actual: values.actual } : {}),
  };
}

/** True for a finding that makes the verdict Unhealthy. */
export const failing = (f: Finding): boolean => !f.suppressed;
