/**
 * What the node lifecycle controller keeps true on every Node (pkg/controller/nodelifecycle,
 * TaintNodesByCondition): a cordoned node carries `node.kubernetes.io/unschedulable:NoSchedule`,
 * a node whose Ready condition is False carries `node.kubernetes.io/not-ready`, and one whose
 * Ready condition is Unknown carries `node.kubernetes.io/unreachable` (NoSchedule and NoExecute).
 * Applied to every write of a Node, by users and by the platform alike.
 */
import type { Node, Taint } from '../types.js';

export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';

export function readyStatus(node: Node): 'True' | 'False' | 'Unknown' | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

export function normalizeNodeTaints(node: Node, nowIso: string): Node {
  const ready = readyStatus(node);
  const want: Taint[] = [];
  if (node.spec?.unschedulable) want.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  if (ready === 'False') want.push({ key: TAINT_NOT_READY, effect: 'NoSchedule' }, { key: TAINT_NOT_READY, effect: 'NoExecute' });
  if (ready === 'Unknown') want.push({ key: TAINT_UNREACHABLE, effect: 'NoSchedule' }, { key: TAINT_UNREACHABLE, effect: 'NoExecute' });
  const system = new Set([TAINT_UNSCHEDULABLE, TAINT_NOT_READY, TAINT_UNREACHABLE]);
  const current = node.spec?.taints ?? [];
  const kept = current.filter((t) => !system.has(t.key));
  const next = [...kept];
  for (const w of want) {
    const existing = current.find((t) => t.key === w.key && t.effect === w.effect);
    next.push(existing ?? { ...w, timeAdded: nowIso });
  }
  if (JSON.stringify(next) === JSON.stringify(current)) return node;
  const spec = { ...node.spec };
  if (next.length) spec.taints = next;
  else delete spec.taints;
  return { ...node, spec };
}
