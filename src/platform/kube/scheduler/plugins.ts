/**
 * The default kube-scheduler profile's filter and score plugins that apply to these clusters
 * (pkg/scheduler/framework/plugins; order from apis/config/v1/default_plugins.go):
 *
 *   filters, in order: NodeUnschedulable, TaintToleration, NodeAffinity (nodeSelector and
 *     required node affinity), NodeResourcesFit (cpu, memory, pods)
 *   scores, with weights: TaintToleration ×3 (PreferNoSchedule), NodeAffinity ×2 (preferred
 *     terms), NodeResourcesFit ×1 (LeastAllocated), NodeResourcesBalancedAllocation ×1
 *
 * A node's first failing filter is its reason, worded as the plugin words it; the FitError
 * message counts reasons across all nodes exactly as kube-scheduler's FitError.Error() does.
 */
import { matchesNodeSelectorRequirement } from '../selectors.js';
import type { NodeSelectorTerm, Pod, Taint, Toleration } from '../types.js';
import type { NodeInfo } from './snapshot.js';

export interface PodFacts {
  readonly pod: Pod;
  readonly cpu: number;
  readonly mem: number;
  readonly nzCpu: number;
  readonly nzMem: number;
  readonly tolerations: readonly Toleration[];
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly requiredTerms: readonly NodeSelectorTerm[] | undefined;
}

/** v1helper.Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (!t.key) return false;
  return (t.value ?? '') === (taint.value ?? '');
}

const toleratesAny = (ts: readonly Toleration[], taint: Taint): boolean => ts.some((t) => tolerates(t, taint));

function termMatches(term: NodeSelectorTerm, info: NodeInfo): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const r of exprs) if (!matchesNodeSelectorRequirement(info.labels, r)) return false;
  for (const r of fields) if (r.key !== 'metadata.name' || !matchesNodeSelectorRequirement({ 'metadata.name': info.name }, { ...r, key: 'metadata.name' })) return false;
  return true;
}

/** NodeAffinity filter: every nodeSelector pair, and one of the required terms. */
export function affinityMatches(p: PodFacts, info: NodeInfo, selectorChecked = false): boolean {
  if (!selectorChecked) for (const [k, v] of Object.entries(p.nodeSelector)) if (info.labels[k] !== v) return false;
  if (p.requiredTerms && !p.requiredTerms.some((t) => termMatches(t, info))) return false;
  return true;
}

export type Verdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reasons: readonly string[]; readonly unresolvable: boolean };

const OK: Verdict = { ok: true };

/** Run the filters in order; the first failing plugin gives the node's reasons. */
export function filter(p: PodFacts, info: NodeInfo, selectorChecked = false): Verdict {
  // NodeUnschedulable
  if (info.unschedulable && !toleratesAny(p.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
    return { ok: false, reasons: ['node(s) were unschedulable'], unresolvable: true };
  }
  // TaintToleration (NoSchedule and NoExecute)
  for (const t of info.taints) {
    if (t.effect === 'PreferNoSchedule') continue;
    if (!toleratesAny(p.tolerations, t)) return { ok: false, reasons: [`node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`], unresolvable: true };
  }
  // NodeAffinity
  if (!affinityMatches(p, info, selectorChecked)) return { ok: false, reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true };
  // NodeResourcesFit
  const reasons: string[] = [];
  if (info.pods + 1 > info.allocPods) reasons.push('Too many pods');
  if (p.cpu > 0 && p.cpu > info.allocCpu - info.reqCpu) reasons.push('Insufficient cpu');
  if (p.mem > 0 && p.mem > info.allocMem - info.reqMem) reasons.push('Insufficient memory');
  return reasons.length ? { ok: false, reasons, unresolvable: false } : OK;
}

/** Weighted scores of the feasible nodes; returns the best node (first on ties). */
export function pickBest(p: PodFacts, feasible: readonly NodeInfo[]): NodeInfo {
  if (feasible.length === 1) return feasible[0]!;
  const preferred = p.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  // Per-node inputs of the normalized scores, computed only when some node can differ.
  let prefer: number[] | undefined;
  let maxPrefer = 0;
  if (preferred.length) {
    prefer = feasible.map((n) => preferred.reduce((s, t) => s + (termMatches(t.preference ?? {}, n) ? t.weight : 0), 0));
    maxPrefer = Math.max(0, ...prefer);
  }
  let intolerable: number[] | undefined;
  let maxIntolerable = 0;
  if (feasible.some((n) => n.taints.length)) {
    intolerable = feasible.map((n) => n.taints.filter((t) => t.effect === 'PreferNoSchedule' && !toleratesAny(p.tolerations, t)).length);
    maxIntolerable = Math.max(0, ...intolerable);
  }
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < feasible.length; i++) {
    const n = feasible[i]!;
    const cpuFrac = n.allocCpu > 0 ? Math.min(1, (n.nzCpu + p.nzCpu) / n.allocCpu) : 1;
    const memFrac = n.allocMem > 0 ? Math.min(1, (n.nzMem + p.nzMem) / n.allocMem) : 1;
    const least = ((1 - cpuFrac) * 100 + (1 - memFrac) * 100) / 2;
    // Two resources: the standard deviation is half their difference.
    const balanced = (1 - Math.abs(cpuFrac - memFrac) / 2) * 100;
    const affinity = maxPrefer > 0 ? (prefer![i]! * 100) / maxPrefer : 0;
    const taint = maxIntolerable > 0 ? 100 - (intolerable![i]! * 100) / maxIntolerable : 100;
    const score = 3 * taint + 2 * affinity + least + balanced;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return feasible[best]!;
}

/** numFeasibleNodesToFind with the adaptive percentageOfNodesToScore (schedule_one.go). */
export function feasibleNodesToFind(all: number): number {
  if (all < 100) return all;
  const pct = Math.max(5, 50 - Math.floor(all / 125));
  return Math.max(100, Math.floor((all * pct) / 100));
}

/** FitError.Error(): "0/N nodes are available: <reasons>. preemption: 0/N nodes are available: <…>." */
export function fitErrorMessage(total: number, verdicts: readonly Verdict[]): string {
  if (total === 0) return 'no nodes available to schedule pods';
  const hist = new Map<string, number>();
  const pre = new Map<string, number>();
  for (const v of verdicts) {
    if (v.ok) continue;
    for (const r of v.reasons) hist.set(r, (hist.get(r) ?? 0) + 1);
    const pr = v.unresolvable ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod';
    pre.set(pr, (pre.get(pr) ?? 0) + 1);
  }
  const fmt = (m: Map<string, number>) => [...m].map(([r, n]) => `${n} ${r}`).sort().join(', ');
  return `0/${total} nodes are available: ${fmt(hist)}. preemption: 0/${total} nodes are available: ${fmt(pre)}.`;
}
