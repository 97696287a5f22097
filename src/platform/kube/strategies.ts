/**
 * Per-resource rules of the API server (the registry "strategies" of kube-apiserver,
 * pkg/registry/core/<resource>/strategy.go): what a create fills in, what validation applies, which
 * part of the object an update of the main resource or of its `status` subresource may
 * change, and the platform's own admission rules (AKS reserved node labels and taints).
 */
import { forbiddenField, invalid as invalidErr, invalidValue, type FieldError } from './errors.js';
import { normalizeNodeTaints } from './nodes/lifecycle.js';
import { defaultPod } from './pods/defaults.js';
import { validatePodCreate, validatePodUpdate } from './pods/validate.js';
import type { ResourceInfo } from './resources.js';
import type { KubeObject, Namespace, Node, Pod } from './types.js';
import { dns1123Label, dns1123Subdomain, validateObjectMeta } from './validation.js';
import { reservedNodeLabelProblems, reservedNodeTaintProblems } from './nodes/reserved.js';

export type Actor = 'user' | 'system';

export interface StrategyContext {
  readonly now: string;
  readonly actor: Actor;
}

export interface Strategy {
  /** Fill in a new object (the caller has set uid, creationTimestamp and name). */
  prepareForCreate(obj: KubeObject, c: StrategyContext): KubeObject;
  validateCreate(obj: KubeObject, c: StrategyContext): FieldError[];
  /** Merge an update into the stored object: the main resource keeps the old status, `status` keeps the old spec. */
  prepareForUpdate(next: KubeObject, prev: KubeObject, subresource: 'status' | undefined, c: StrategyContext): KubeObject;
  validateUpdate(next: KubeObject, prev: KubeObject, c: StrategyContext): FieldError[];
}

function keepStatus(next: KubeObject, prev: KubeObject, subresource: 'status' | undefined): KubeObject {
  if (subresource === 'status') {
    // The status subresource changes status (and nothing else but metadata.labels/annotations in newer servers: keep it strict).
    const { status } = next;
    return { ...prev, metadata: { ...prev.metadata }, ...(status !== undefined ? { status } : {}) };
  }
  const { status: _s, ...rest } = next;
  return prev.status !== undefined ? { ...rest, status: prev.status } : rest;
}

const generic: Strategy = {
  prepareForCreate: (o) => o,
  validateCreate: (o) => validateObjectMeta(o, dns1123Subdomain),
  prepareForUpdate: (n) => n,
  validateUpdate: (n) => validateObjectMeta(n, dns1123Subdomain),
};

const namespaces: Strategy = {
  // NamespaceDefaultLabelName (1.22+): every namespace carries kubernetes.io/metadata.name.
  prepareForCreate: (o) =>
    ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }) as Namespace,
  validateCreate: (o) => validateObjectMeta(o, dns1123Label),
  prepareForUpdate: (n, p, sub) => {
    const out = keepStatus(n, p, sub);
    return { ...out, metadata: { ...out.metadata, labels: { ...out.metadata.labels, 'kubernetes.io/metadata.name': out.metadata.name } }, spec: (p as Namespace).spec ?? { finalizers: ['kubernetes'] } };
  },
  validateUpdate: (o) => validateObjectMeta(o, dns1123Label),
};

const nodes: Strategy = {
  prepareForCreate: (o, c) => normalizeNodeTaints({ ...(o as Node), spec: (o as Node).spec ?? {}, status: (o as Node).status ?? {} }, c.now),
  validateCreate: (o, c) => [...validateObjectMeta(o, dns1123Subdomain), ...(c.actor === 'user' ? reservedNodeLabelProblems(o as Node, undefined) : [])],
  prepareForUpdate: (n, p, sub, c) => normalizeNodeTaints(keepStatus(n, p, sub) as Node, c.now),
  validateUpdate: (n, p, c) => [
    ...validateObjectMeta(n, dns1123Subdomain),
    ...(c.actor === 'user' ? [...reservedNodeLabelProblems(n as Node, p as Node), ...reservedNodeTaintProblems(n as Node, p as Node)] : []),
    ...((p as Node).spec?.providerID && (n as Node).spec?.providerID !== (p as Node).spec?.providerID ? [forbiddenField('spec.providerID', 'node updates may not change providerID except from "" to valid')] : []),
  ],
};

const pods: Strategy = {
  prepareForCreate: (o) => defaultPod(o as Pod),
  validateCreate: (o) => validatePodCreate(o as Pod),
  prepareForUpdate: (n, p, sub) => keepStatus(n, p, sub),
  validateUpdate: (n, p, c) => (c.actor === 'system' ? [] : validatePodUpdate(n as Pod, p as Pod)),
};

const events: Strategy = {
  ...generic,
  validateCreate: (o) => {
    const out = validateObjectMeta(o, dns1123Subdomain);
    const e = o as { involvedObject?: { namespace?: string } };
    if (e.involvedObject?.namespace && e.involvedObject.namespace !== o.metadata.namespace) {
      out.push(invalidValue('involvedObject.namespace', e.involvedObject.namespace, 'does not match event.namespace'));
    }
    return out;
  },
};

const STRATEGIES: Record<string, Strategy> = { namespaces, nodes, pods, events, leases: generic };

export function strategyFor(r: ResourceInfo): Strategy {
  return STRATEGIES[r.resource] ?? generic;
}

/** Throw NewInvalid when there are field errors. */
export function check(r: ResourceInfo, name: string, errs: readonly FieldError[]): void {
  if (errs.length) throw invalidErr(r.kind, r.group, name, errs);
}
