/**
 * AKS reserved node labels and taints (reference/aks-api.md §4.2, use-labels.md "Reserved
 * system labels": "Since the 2021-08-19 AKS release, AKS stopped the ability to make changes to
 * AKS reserved labels"). Users may add their own labels and taints to nodes with kubectl, but
 * may not add, change or remove a reserved one: the Trusted Launch labels are what node
 * selectors trust, and the attestation quarantine taint is what keeps pods off a node that
 * failed attestation.
 */
import { forbiddenField, type FieldError } from '../errors.js';
import type { Node } from '../types.js';

const RESERVED_PREFIXES = ['kubernetes.azure.com/', 'kubernetes.io/', 'k8s.io/'];

/** Label keys the platform sets on every node besides the reserved prefixes. */
export const SYSTEM_LABEL_KEYS = new Set([
  'agentpool',
  'storageprofile',
  'storagetier',
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/instance-type',
  'beta.kubernetes.io/os',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'node-role.kubernetes.io/agent',
  'node.kubernetes.io/instance-type',
  'topology.disk.csi.azure.com/zone',
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
]);

export const isReservedLabel = (key: string): boolean => RESERVED_PREFIXES.some((p) => key.startsWith(p)) || SYSTEM_LABEL_KEYS.has(key);

const HINTS: Record<string, string> = {
  'kubernetes.azure.com/secure-boot': "Secure Boot is a node pool setting: use 'az aks nodepool update --enable-secure-boot' or '--disable-secure-boot'",
  'kubernetes.azure.com/trusted-launch': "vTPM is a node pool setting: use 'az aks nodepool update --enable-vtpm' or '--disable-vtpm'",
  'kubernetes.azure.com/security-type': 'the security type follows the node image chosen when the node pool was created',
};

function labelMessage(key: string): string {
  const hint = HINTS[key] ?? "set your own labels under a prefix of your own, or node pool labels with 'az aks nodepool update --labels'";
  return `label "${key}" is reserved by AKS and cannot be set, changed or removed by users; ${hint}`;
}

/** Reserved labels a user write would add, change or remove. */
export function reservedNodeLabelProblems(next: Node, prev: Node | undefined): FieldError[] {
  const a = prev?.metadata.labels ?? {};
  const b = next.metadata.labels ?? {};
  const out: FieldError[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!isReservedLabel(k) || a[k] === b[k]) continue;
    out.push(forbiddenField(`metadata.labels[${k}]`, labelMessage(k)));
  }
  return out;
}

/** Taints under kubernetes.azure.com/ (the attestation quarantine) that a user write would change. */
export function reservedNodeTaintProblems(next: Node, prev: Node): FieldError[] {
  const sig = (n: Node) =>
    (n.spec?.taints ?? [])
      .filter((t) => t.key.startsWith('kubernetes.azure.com/'))
      .map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`)
      .sort()
      .join(',');
  if (sig(next) === sig(prev)) return [];
  return [forbiddenField('spec.taints', 'taints under kubernetes.azure.com/ are managed by AKS (the attestation quarantine taint stays until the node attests Healthy again) and cannot be added, changed or removed by users')];
}
