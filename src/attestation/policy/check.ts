/**
 * Policies as composable checks that say *why not* (keylime `mba/elchecking/tests.py`: a test
 * answers with an empty reason or a sentence). Here a check answers with findings: none means
 * it passed. Each check names the PCRs it reads; when one of them did not verify (its replay
 * already produced a finding), the check is skipped rather than reporting the same breakage
 * twice from untrusted data.
 */
import type { Finding } from '../findings.js';
import type { BootFacts } from '../facts.js';
import type { AttestationPolicy } from './document.js';
import type { ReferenceValues } from './reference.js';

export interface CheckContext {
  readonly facts: BootFacts;
  readonly policy: AttestationPolicy;
  readonly refs: ReferenceValues | undefined;
}

export interface Check {
  readonly name: string;
  /** PCRs whose verified events the check reads (PCR 10: the attested IMA list). */
  readonly pcrs: readonly number[];
  whyNot(ctx: CheckContext): readonly Finding[];
}

export const check = (name: string, pcrs: readonly number[], whyNot: (ctx: CheckContext) => readonly Finding[]): Check => ({ name, pcrs, whyNot });

/** A check that applies only when `applies` holds (e.g. only with reference values, only under Secure Boot). */
export function when(applies: (ctx: CheckContext) => boolean, c: Check): Check {
  return { name: c.name, pcrs: c.pcrs, whyNot: (ctx) => (applies(ctx) ? c.whyNot(ctx) : []) };
}

/** All of the checks; each child keeps its own PCR gate. */
export function all(name: string, ...checks: readonly Check[]): Check {
  // No gate of its own: a child whose PCRs did not verify is skipped alone.
  return { name, pcrs: [], whyNot: (ctx) => checks.flatMap((c) => run(c, ctx).findings) };
}

export interface CheckRun {
  readonly findings: readonly Finding[];
  /** Checks not evaluated because a PCR they read did not verify. */
  readonly skipped: readonly string[];
}

function run(c: Check, ctx: CheckContext): CheckRun {
  const missing = c.pcrs.filter((p) => !ctx.facts.verifiedPcrs.has(p));
  if (missing.length) return { findings: [], skipped: [`${c.name} (PCR ${missing.join(', ')} not verified)`] };
  return { findings: c.whyNot(ctx), skipped: [] };
}

/** Evaluate a list of checks in order. */
export function evaluate(checks: readonly Check[], ctx: CheckContext): CheckRun {
  const findings: Finding[] = [];
  const skipped: string[] = [];
  for (const c of checks) {
    const r = run(c, ctx);
    findings.push(...r.findings);
    skipped.push(...r.skipped);
  }
  return { findings, skipped };
}
