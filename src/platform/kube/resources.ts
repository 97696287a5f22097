/**
 * The resources each cluster's Kubernetes API serves, as discovery describes them
 * (APIResource in apimachinery meta/v1; aggregated discovery, KEP-3352), and where each one
 * lives in the Store. Everything that lists resources (discovery, OpenAPI, routing) reads
 * this one table.
 */
import { KIND } from '../model/keys.js';

export type ResourceName = 'namespaces' | 'nodes' | 'pods' | 'events' | 'leases';

export interface Subresource {
  readonly name: 'status' | 'binding' | 'eviction';
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly verbs: readonly string[];
}

export interface ResourceInfo {
  readonly resource: ResourceName;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  /** API group ('' for the core group). */
  readonly group: string;
  readonly version: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly verbs: readonly string[];
  readonly categories?: readonly string[];
  readonly subresources: readonly Subresource[];
  /** Store kind holding these objects. */
  readonly storeKind: string;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const status = (kind: string, group = '', version = 'v1'): Subresource => ({ name: 'status', kind, group, version, verbs: ['get', 'patch', 'update'] });

export const RESOURCES: readonly ResourceInfo[] = [
  {
    resource: 'namespaces', singular: 'namespace', kind: 'Namespace', listKind: 'NamespaceList', group: '', version: 'v1', namespaced: false,
    shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: [status('Namespace')], storeKind: KIND.kubeNamespace,
  },
  {
    resource: 'nodes', singular: 'node', kind: 'Node', listKind: 'NodeList', group: '', version: 'v1', namespaced: false,
    shortNames: ['no'], verbs: VERBS, subresources: [status('Node')], storeKind: KIND.kubeNode,
  },
  {
    resource: 'pods', singular: 'pod', kind: 'Pod', listKind: 'PodList', group: '', version: 'v1', namespaced: true,
    shortNames: ['po'], verbs: VERBS, categories: ['all'],
    subresources: [
      status('Pod'),
      { name: 'binding', kind: 'Binding', group: '', version: 'v1', verbs: ['create'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    ],
    storeKind: KIND.kubePod,
  },
  {
    resource: 'events', singular: 'event', kind: 'Event', listKind: 'EventList', group: '', version: 'v1', namespaced: true,
    shortNames: ['ev'], verbs: VERBS, subresources: [], storeKind: KIND.kubeEvent,
  },
  {
    resource: 'leases', singular: 'lease', kind: 'Lease', listKind: 'LeaseList', group: 'coordination.k8s.io', version: 'v1', namespaced: true,
    shortNames: [], verbs: VERBS, subresources: [], storeKind: KIND.kubeLease,
  },
];

const BY_NAME = new Map(RESOURCES.map((r) => [r.resource, r]));
const BY_STORE_KIND = new Map(RESOURCES.map((r) => [r.storeKind, r]));

export function resourceInfo(name: ResourceName): ResourceInfo {
  return BY_NAME.get(name)!;
}

/** The resource `group/version` serves under `name`, or undefined. */
export function findResource(group: string, version: string, name: string): ResourceInfo | undefined {
  const r = BY_NAME.get(name as ResourceName);
  return r && r.group === group && r.version === version ? r : undefined;
}

export function resourceOfStoreKind(kind: string): ResourceInfo | undefined {
  return BY_STORE_KIND.get(kind);
}

export const apiVersionOf = (r: Pick<ResourceInfo, 'group' | 'version'>): string => (r.group ? `${r.group}/${r.version}` : r.version);

/** Store key of an object: `{clusterUid}/{name}` or `{clusterUid}/{namespace}/{name}`. */
export function objectKey(clusterUid: string, r: Pick<ResourceInfo, 'namespaced'>, namespace: string | undefined, name: string): string {
  return r.namespaced ? `${clusterUid}/${namespace}/${name}` : `${clusterUid}/${name}`;
}

/** Split a store key into cluster, namespace and name. */
export function parseObjectKey(key: string, namespaced: boolean): { clusterUid: string; namespace?: string; name: string } {
  const parts = key.split('/');
  return namespaced ? { clusterUid: parts[0]!, namespace: parts[1]!, name: parts.slice(2).join('/') } : { clusterUid: parts[0]!, name: parts.slice(1).join('/') };
}
