/**
 * Where the service's side of an attestation is computed: MakeCredential for a credential
 * activation and the verification of the evidence (src/attestation, pure functions of their
 * inputs). Two implementations with one interface:
 *
 * - `InThreadVerifier` — in the event-loop thread (tests running from TypeScript sources, a
 *   one-core machine, `verifierThreads: 0`);
 * - `WorkerVerifierPool` (verifier-pool.ts) — in worker threads, so that on a machine with a
 *   second core the event-loop thread drives the next VMs' vTPMs and the Store while a worker
 *   verifies (the first attestation of a freshly started cluster is mostly this work).
 *
 * Both run `runVerifyJob` (verify-job.ts) and src/tpm's `makeCredential` on the same inputs, so a
 * result does not depend on the thread; what differs is which TrustStore memoises certificate
 * chain checks (a worker keeps its own, rebuilt whenever the service's trust anchors change).
 */
import type { MadeCredential } from '../../tpm/crypto/make-credential.js';
import { makeCredential } from '../../tpm/crypto/make-credential.js';
import type { TPMT_PUBLIC } from '../../tpm/types/public.js';
import type { ReferenceValues, TrustAnchorInput, TrustStore } from '../../attestation/index.js';
import { runVerifyJob, type JobResult, type VerifyJob } from './verify-job.js';

/** The service's trust anchors: the TrustStore it uses, and its anchors (for a worker's own copy). */
export interface TrustSource {
  readonly store: TrustStore;
  anchors(): TrustAnchorInput[];
}

export interface Verifier {
  /** How many threads verify (0: the event-loop thread). */
  readonly threads: number;
  /** Start the threads now (the first attestations do not wait for them). */
  warm(): Promise<void>;
  makeCredential(ekPublic: TPMT_PUBLIC, secret: Uint8Array, akName: Uint8Array): Promise<MadeCredential>;
  verify(job: VerifyJob, refs: ReferenceValues | undefined, trust: TrustSource): Promise<JobResult>;
  close(): Promise<void>;
}

export class InThreadVerifier implements Verifier {
  readonly threads = 0;

  async warm(): Promise<void> {}

  async makeCredential(ekPublic: TPMT_PUBLIC, secret: Uint8Array, akName: Uint8Array): Promise<MadeCredential> {
    return makeCredential(ekPublic, secret, akName);
  }

  async verify(job: VerifyJob, refs: ReferenceValues | undefined, trust: TrustSource): Promise<JobResult> {
    return runVerifyJob(job, refs, trust.store);
  }

  async close(): Promise<void> {}
}
