/**
 * Discovery documents (apimachinery meta/v1 APIVersions, APIGroupList, APIResourceList, and
 * aggregated discovery apidiscovery.k8s.io/v2, KEP-3352): what kubectl reads to learn which
 * resources exist, their scope, verbs and short names (`kubectl get no`), and that pods have an
 * `eviction` subresource (kubectl drain's eviction check reads `/api/v1`).
 */
import { createHash } from 'node:crypto';
import { apiVersionOf, RESOURCES, type ResourceInfo } from '../../platform/kube/resources.js';

const groupsOf = (): string[] => [...new Set(RESOURCES.filter((r) => r.group).map((r) => r.group))].sort();

/** A stable storageVersionHash (the API server's is a hash of the storage group/version/kind). */
const storageHash = (r: ResourceInfo) => createHash('sha256').update(`${r.group}/${r.version}/${r.kind}`).digest('base64').slice(0, 11);

export function apiVersions(): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] };
}

export function apiGroupList(): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupsOf().map((g) => ({ name: g, versions: [{ groupVersion: `${g}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' } })),
  };
}

export function apiGroup(group: string): unknown | undefined {
  if (!groupsOf().includes(group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [{ groupVersion: `${group}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${group}/v1`, version: 'v1' } };
}

/** APIResourceList of one group/version (undefined when the platform serves none). */
export function apiResourceList(group: string, version: string): unknown | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const r of rs) {
    resources.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
      storageVersionHash: storageHash(r),
    });
    for (const s of r.subresources) {
      resources.push({ name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, ...(s.group !== r.group || s.version !== r.version ? { group: s.group, version: s.version } : {}), kind: s.kind, verbs: s.verbs });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

function discoveryResources(rs: readonly ResourceInfo[]): unknown[] {
  return rs.map((r) => ({
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
    ...(r.subresources.length ? { subresources: r.subresources.map((s) => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs })) } : {}),
  }));
}

/** Aggregated discovery for `/api` (core group) or `/apis` (named groups). */
export function aggregatedDiscovery(legacy: boolean, apiVersion: 'apidiscovery.k8s.io/v2' | 'apidiscovery.k8s.io/v2beta1'): unknown {
  const groups = legacy ? [''] : groupsOf();
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion,
    metadata: {},
    items: groups.map((g) => ({
      metadata: g ? { name: g, creationTimestamp: null } : { creationTimestamp: null },
      versions: [{ version: 'v1', resources: discoveryResources(RESOURCES.filter((r) => r.group === g)), freshness: 'Current' }],
    })),
  };
}

/** Which aggregated discovery version the Accept header asks for, if any. */
export function wantsAggregated(accept: string | undefined): 'apidiscovery.k8s.io/v2' | 'apidiscovery.k8s.io/v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const p = part.replace(/\s/g, '');
    if (!p.includes('g=apidiscovery.k8s.io') || !p.includes('as=APIGroupDiscoveryList')) continue;
    if (p.includes('v=v2beta1')) return 'apidiscovery.k8s.io/v2beta1';
    if (p.includes('v=v2')) return 'apidiscovery.k8s.io/v2';
  }
  return undefined;
}
