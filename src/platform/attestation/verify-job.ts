/**
 * One verification as data: what the service hands its verifier (in the event-loop thread or a
 * worker thread, verifier.ts) — the evidence, the policy, the reference values, the consumed
 * nonce and a snapshot of the AK binding of the evidence's EK — and the one function both
 * threads run on it, so that a result does not depend on where it was computed.
 *
 * The binding snapshot replaces the live `boundAks` lookup of src/attestation's VerifyContext:
 * the platform's agent read the EK from the same vTPM whose public area the evidence carries, so
 * the EK Name the service looked up (after its credential activation, if any) is the one the
 * verifier computes; any other EK Name has no bound AK.
 */
import { verify, type AttestationPolicy, type NonceCheck, type ReferenceValues, type TrustStore, type UntrustedEvidence, type VerifyResult } from '../../attestation/index.js';

export interface VerifyJob {
  readonly evidence: UntrustedEvidence;
  readonly policy: AttestationPolicy;
  readonly policyHash: string;
  /** What the service's NonceBook answered when the evidence arrived (consumed before the job). */
  readonly nonce: NonceCheck;
  readonly now: number;
  readonly requiredPcrs: readonly number[];
  readonly vmId?: string;
  readonly os?: { readonly distro?: string; readonly versionMajor?: number; readonly versionMinor?: number };
  /** The AK Names (hex) bound to the EK Name (hex) the agent read, when the job was made. */
  readonly bound: { readonly ekName: string; readonly akNames: readonly string[] };
}

/** What the platform keeps of a verification (the boot facts stay in the verifier's thread). */
export type JobResult = Omit<VerifyResult, 'facts'>;

export function runVerifyJob(job: VerifyJob, refs: ReferenceValues | undefined, trust: TrustStore): JobResult {
  const { ekName, akNames } = job.bound;
  const r = verify(job.evidence, job.policy, refs, job.nonce, {
    trust,
    boundAks: (name) => (name === ekName ? akNames : []),
    now: job.now,
    requiredPcrs: job.requiredPcrs,
    policyHash: job.policyHash,
    ...(job.vmId ? { vmId: job.vmId } : {}),
    ...(job.os ? { os: job.os } : {}),
  });
  const { facts: _facts, ...kept } = r;
  return kept;
}
