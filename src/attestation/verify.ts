/**
 * The verifier: a pure function of (evidence, policy, reference values, nonce) and the trust
 * context, in the order the issue and DESIGN.md §7 give — each failed step is a finding:
 *
 *   1. nonce      fresh and single use (the caller consumed it from its NonceBook);
 *   2. ek         the EK certificate chains to a trusted vTPM CA and certifies the EK sent;
 *   3. binding    the AK was bound to that EK by credential activation;
 *   4. ak         a restricted signing key; its certificate (if any) chains and certifies it;
 *   5. quote      signature, TPM-generated, nonce, required PCRs, PCR digest;
 *      — any finding so far means the PCR values cannot be trusted: the verifier stops here;
 *   6. log        TCG log and IMA list replay to the quoted PCRs (log-step.ts);
 *   7. policy     the compiled checks over the attested facts (policy/checks.ts).
 *
 * The verdict is Healthy when no finding fails (suppressed findings are reported, not failing).
 * Claims (MAA-like) are produced whenever the evidence itself is sound, so an Unhealthy result
 * still says what booted.
 */
import { hashById } from '../core/hash.js';
import { parseTpmtSignature } from '../tpm/types/signature.js';
import { buildClaims, type AttestationClaims } from './claims.js';
import type { UntrustedEvidence } from './evidence.js';
import { bootFacts, type BootFacts } from './facts.js';
import { failing, finding, type Finding } from './findings.js';
import { verifyIdentity } from './identity.js';
import { logStep } from './log-step.js';
import type { NonceCheck } from './nonce.js';
import { evaluate } from './policy/check.js';
import { compilePolicy } from './policy/checks.js';
import { policyHash, policyText, type AttestationPolicy } from './policy/document.js';
import type { ReferenceValues } from './policy/reference.js';
import { quoteStep } from './quote-step.js';
import type { TrustStore } from './trust.js';

export type Verdict = 'Healthy' | 'Unhealthy';
export type StepName = 'nonce' | 'ek' | 'binding' | 'ak' | 'quote' | 'log' | 'policy';

export interface VerifyContext {
  readonly trust: TrustStore;
  /** AK Names (hex) bound to an EK Name (hex) by credential activation. */
  readonly boundAks: (ekName: string) => readonly string[];
  /** Milliseconds since the epoch (certificate validity). */
  readonly now: number;
  /** SHA-256 PCRs the quote must select (default 0–7, as Azure attests Linux VMs). */
  readonly requiredPcrs?: readonly number[];
  /** Claims the platform knows better than the client (its image's OS, the VM id). */
  readonly os?: { readonly distro?: string; readonly versionMajor?: number; readonly versionMinor?: number };
  readonly vmId?: string;
  /** Precomputed policy hash (the policy's text is hashed otherwise). */
  readonly policyHash?: string;
}

export interface StepResult {
  readonly step: StepName;
  readonly ok: boolean;
  readonly skipped?: boolean;
}

export interface VerifyResult {
  readonly verdict: Verdict;
  readonly findings: readonly Finding[];
  readonly steps: readonly StepResult[];
  readonly identity?: { readonly ekName: string; readonly akName: string; readonly ekIssuer?: string };
  /** Present when the evidence is sound (steps 1–5 passed). */
  readonly claims?: AttestationClaims;
  readonly facts?: BootFacts;
  readonly attestedPcrs?: readonly number[];
  /** Policy checks not evaluated because a PCR they read did not verify. */
  readonly skippedChecks?: readonly string[];
  readonly quirksApplied?: readonly string[];
  readonly policyHash: string;
}

export const DEFAULT_REQUIRED_PCRS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7];

function nonceFindings(n: NonceCheck): Finding[] {
  switch (n.state) {
    case 'fresh':
      return [];
    case 'missing':
      return [finding('nonce.missing', 'nonce', 'The evidence names no nonce: request one from the service and quote with it.')];
    case 'unknown':
      return [finding('nonce.unknown', 'nonce', 'The nonce was not issued by this service (or was forgotten after its lifetime).')];
    case 'reused':
      return [finding('nonce.reused', 'nonce', 'The nonce was already used by an earlier attestation: this evidence is a replay.')];
    case 'expired':
      return [finding('nonce.expired', 'nonce', 'The nonce expired before the evidence arrived.')];
  }
}

const policyHashes = new WeakMap<AttestationPolicy, string>();
/** x-ms-policy-hash of a policy object (policies are immutable values: memoised per object). */
function hashOf(policy: AttestationPolicy): string {
  let h = policyHashes.get(policy);
  if (!h) policyHashes.set(policy, (h = policyHash(policyText(policy))));
  return h;
}

export function verify(evidence: UntrustedEvidence, policy: AttestationPolicy, refs: ReferenceValues | undefined, nonce: NonceCheck, ctx: VerifyContext): VerifyResult {
  const hash = ctx.policyHash ?? hashOf(policy);
  const steps: StepResult[] = [];
  const findings: Finding[] = [];
  const step = (name: StepName, f: readonly Finding[]) => {
    steps.push({ step: name, ok: f.length === 0 });
    findings.push(...f);
  };
  // 1.
  step('nonce', nonceFindings(nonce));
  // 2–4.
  const id = verifyIdentity(evidence, ctx.trust, ctx.boundAks, ctx.now);
  const idSteps = { ek: [] as Finding[], binding: [] as Finding[], ak: [] as Finding[] };
  for (const f of id.findings) (f.id.startsWith('ek.') || f.component.startsWith('EK') ? idSteps.ek : f.id === 'ak.not_bound' ? idSteps.binding : idSteps.ak).push(f);
  step('ek', idSteps.ek);
  step('binding', idSteps.binding);
  step('ak', idSteps.ak);
  // 5.
  const required = ctx.requiredPcrs ?? DEFAULT_REQUIRED_PCRS;
  const q = id.ak ? quoteStep({ akPublic: id.ak.public, quote: evidence.quote, signature: evidence.signature, nonce: nonce.value ?? evidence.nonce ?? new Uint8Array(0), pcrs: evidence.pcrs, requiredPcrs: required }) : undefined;
  step('quote', q ? q.findings : [finding('quote.signature_invalid', 'quote', 'The quote cannot be checked without a usable AK.')]);
  const identity = id.ek && id.ak ? { ekName: id.ek.name, akName: id.ak.name, ...(id.ekIssuer ? { ekIssuer: id.ekIssuer } : {}) } : undefined;
  const stop = (): VerifyResult => {
    for (const s of ['log', 'policy'] as const) steps.push({ step: s, ok: false, skipped: true });
    return { verdict: 'Unhealthy', findings, steps, ...(identity ? { identity } : {}), policyHash: hash };
  };
  if (findings.length || !q?.pcrDigest) return stop();

  // 6.
  let digestAlg = 0x000b;
  try {
    digestAlg = parseTpmtSignature(evidence.signature).hash;
  } catch {
    // already reported by the quote step
  }
  const refsWantIma = !!refs && refs.modules.length > 0;
  const log = logStep({ tcgLog: evidence.tcgLog, imaLog: evidence.imaLog, selected: q.selected, pcrDigest: q.pcrDigest, quoted: q.values, digestAlg: hashById(digestAlg) ? digestAlg : 0x000b, requireIma: refsWantIma });
  step('log', log.findings);
  if (log.digestMismatch) {
    steps.push({ step: 'policy', ok: false, skipped: true });
    return { verdict: 'Unhealthy', findings, steps, ...(identity ? { identity } : {}), policyHash: hash };
  }

  // 7.
  const facts = bootFacts(log.events, log.verifiedPcrs, log.imaEntries);
  const run = evaluate(compilePolicy(policy, refs), { facts, policy, refs });
  step('policy', run.findings);
  const attestedPcrs = [...log.verifiedPcrs].filter((p) => q.selected.includes(p) || p === 8 || p === 9).sort((a, b) => a - b);
  const claims = buildClaims({ facts, refs, findings, evidence, attestedPcrs, policyHash: hash, nonce: nonce.value, ...(ctx.os ? { os: ctx.os } : {}), ...(ctx.vmId ? { vmId: ctx.vmId } : {}) });
  return {
    verdict: findings.some(failing) ? 'Unhealthy' : 'Healthy',
    findings,
    steps,
    ...(identity ? { identity } : {}),
    claims,
    facts,
    attestedPcrs,
    skippedChecks: run.skipped,
    quirksApplied: log.quirksApplied,
    policyHash: hash,
  };
}
