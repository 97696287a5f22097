/**
 * Agent pool rules that are not about Trusted Launch: names, counts, modes, labels, taints and
 * surge settings (ManagedClusterAgentPoolProfileProperties in the 2024-09-01 spec; the document's
 * naming rule: lowercase alphanumeric, starting with a letter, 1–11 characters for Linux pools;
 * AKS: 1–6 for Windows pools).
 */
import type { VmSize } from '../catalog/vm-sizes.js';
import { invalid } from '../errors.js';

export const MAX_POOL_COUNT = 1000;

export function validatePoolName(name: string, osType: 'Linux' | 'Windows'): void {
  const max = osType === 'Windows' ? 6 : 11;
  if (!/^[a-z][a-z0-9]*$/.test(name) || name.length > max) {
    const why = !/^[a-z]/.test(name)
      ? 'it must start with a lowercase letter'
      : !/^[a-z0-9]*$/.test(name)
        ? 'it may only contain lowercase letters and digits'
        : `it is ${name.length} characters long and ${osType} node pool names may have at most ${max}`;
    throw invalid(
      'InvalidParameter',
      `The value of parameter agentPoolProfile.name is invalid. Please see https://aka.ms/aks-naming-rules for more details. "${name}": ${why}. Node pool names contain only lowercase alphanumeric characters, start with a lowercase letter, and have 1-11 characters for Linux pools or 1-6 for Windows pools.`,
      'agentPoolProfile.name',
    );
  }
}

export function validateCount(count: number, mode: 'System' | 'User'): void {
  const min = mode === 'System' ? 1 : 0;
  if (!Number.isInteger(count) || count < min || count > MAX_POOL_COUNT) {
    throw invalid(
      'InvalidParameter',
      `The value of parameter agentPoolProfile.count is invalid: ${count}. ${mode} node pools need between ${min} and ${MAX_POOL_COUNT} nodes (inclusive); User pools may have 0.`,
      'agentPoolProfile.count',
    );
  }
}

/** System pools host critical pods: Linux, at least 2 vCPUs and 4 GB of memory (AgentPoolMode in the spec). */
export function validateSystemPool(mode: 'System' | 'User', osType: 'Linux' | 'Windows', size: VmSize): void {
  if (mode !== 'System') return;
  if (osType !== 'Linux') {
    throw invalid('InvalidParameter', 'System agent pools osType must be Linux. Use mode "User" for Windows pools.', 'agentPoolProfile.mode');
  }
  if (size.vCPUs < 2 || size.memoryGiB < 4) {
    throw invalid(
      'InvalidParameter',
      `System agent pools VM SKU must have at least 2vCPUs and 4GB of memory; ${size.name} has ${size.vCPUs} vCPUs and ${size.memoryGiB} GB. Choose a larger size or use mode "User".`,
      'agentPoolProfile.vmSize',
    );
  }
}

const RESERVED_LABEL_PREFIXES = ['kubernetes.azure.com/', 'kubernetes.io/', 'k8s.io/'];
const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(|[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;

/** Node labels: valid Kubernetes label syntax, and none of the keys AKS reserves for itself. */
export function validateNodeLabels(labels: Record<string, string>): void {
  for (const [k, v] of Object.entries(labels)) {
    if (RESERVED_LABEL_PREFIXES.some((p) => k.startsWith(p))) {
      throw invalid('InvalidParameter', `The node label "${k}" uses a prefix AKS reserves (${RESERVED_LABEL_PREFIXES.join(', ')}); reserved labels are set by AKS and cannot be set or changed. Use your own prefix.`, 'agentPoolProfile.nodeLabels');
    }
    if (!LABEL_NAME.test(k) || k.length > 316 || !LABEL_VALUE.test(v)) {
      throw invalid('InvalidParameter', `The node label "${k}=${v}" is not a valid Kubernetes label (https://aka.ms/node-labels).`, 'agentPoolProfile.nodeLabels');
    }
  }
}

/** Taints as `key=value:Effect` (or `key:Effect`), Effect one of NoSchedule, PreferNoSchedule, NoExecute. */
export function parseTaint(t: string): { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' } {
  const m = t.match(/^([^=:\s]+)(?:=([^:\s]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/);
  if (!m || !LABEL_NAME.test(m[1]!)) {
    throw invalid('InvalidParameter', `The node taint "${t}" is invalid. Taints have the form key=value:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute.`, 'agentPoolProfile.nodeTaints');
  }
  return m[2] === undefined ? { key: m[1]!, effect: m[3] as 'NoSchedule' } : { key: m[1]!, value: m[2], effect: m[3] as 'NoSchedule' };
}

/** maxSurge is an integer ("1") or a percentage ("33%") of the pool (AgentPoolUpgradeSettings). */
export function validateMaxSurge(v: string): void {
  if (!/^([1-9]\d*|[1-9]\d?%|100%)$/.test(v)) {
    throw invalid('InvalidParameter', `The value of maxSurge "${v}" is invalid. Use a positive integer (e.g. "1") or a percentage between 1% and 100% (e.g. "33%").`, 'upgradeSettings.maxSurge');
  }
}

/** How many nodes may be reimaged at once for a pool of `count` nodes (at least one). */
export function surgeCount(maxSurge: string, count: number): number {
  if (maxSurge.endsWith('%')) return Math.max(1, Math.ceil((Number(maxSurge.slice(0, -1)) / 100) * count));
  return Math.max(1, Number(maxSurge));
}
