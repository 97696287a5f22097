/**
 * Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) for the core types the
 * API serves: like a JSON merge patch, except that lists tagged `patchStrategy:"merge"` in
 * k8s.io/api merge element by element on their `patchMergeKey` (containers by name, conditions
 * by type …), and the directives kubectl writes are honoured:
 *   `$patch: replace|delete|merge`, `$retainKeys`, `$setElementOrder/<list>`,
 *   `$deleteFromPrimitiveList/<list>`, and `null` to delete a field.
 * This is what `kubectl apply` (updates) and `kubectl cordon` send.
 */
import { isObject } from './merge-patch.js';

export class StrategicPatchError extends Error {}

interface ListMeta {
  readonly strategy: 'merge' | 'replace';
  /** Merge key of object lists; undefined for lists of primitives merged as sets. */
  readonly key?: string;
}

/**
 * Patch metadata of k8s.io/api core/v1 and meta/v1 (`patchStrategy`/`patchMergeKey` tags), by
 * field path without indices. Lists not named here are atomic: a patch replaces them.
 */
const LISTS: Readonly<Record<string, ListMeta>> = {
  'metadata.finalizers': { strategy: 'merge' },
  'metadata.ownerReferences': { strategy: 'merge', key: 'uid' },
  'spec.containers': { strategy: 'merge', key: 'name' },
  'spec.initContainers': { strategy: 'merge', key: 'name' },
  'spec.ephemeralContainers': { strategy: 'merge', key: 'name' },
  'spec.containers.ports': { strategy: 'merge', key: 'containerPort' },
  'spec.initContainers.ports': { strategy: 'merge', key: 'containerPort' },
  'spec.containers.env': { strategy: 'merge', key: 'name' },
  'spec.initContainers.env': { strategy: 'merge', key: 'name' },
  'spec.containers.volumeMounts': { strategy: 'merge', key: 'mountPath' },
  'spec.initContainers.volumeMounts': { strategy: 'merge', key: 'mountPath' },
  'spec.containers.volumeDevices': { strategy: 'merge', key: 'devicePath' },
  'spec.initContainers.volumeDevices': { strategy: 'merge', key: 'devicePath' },
  'spec.volumes': { strategy: 'merge', key: 'name' },
  'spec.imagePullSecrets': { strategy: 'merge', key: 'name' },
  'spec.hostAliases': { strategy: 'merge', key: 'ip' },
  'spec.topologySpreadConstraints': { strategy: 'merge', key: 'topologyKey' },
  'spec.schedulingGates': { strategy: 'merge', key: 'name' },
  'spec.resourceClaims': { strategy: 'merge', key: 'name' },
  'spec.podCIDRs': { strategy: 'merge' },
  'status.conditions': { strategy: 'merge', key: 'type' },
  'status.addresses': { strategy: 'merge', key: 'type' },
  'status.podIPs': { strategy: 'merge', key: 'ip' },
  'status.hostIPs': { strategy: 'merge', key: 'ip' },
};

const ATOMIC: ListMeta = { strategy: 'replace' };

const isDirective = (k: string) => k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/') || k.startsWith('$deleteFromPrimitiveList/');

/** Remove directives from a value that is added as a whole (nothing to merge it into). */
function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !(isObject(x) && x.$patch === 'delete')).map(strip);
  if (!isObject(v)) return v;
  if (v.$patch === 'delete') return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (isDirective(k) || x === null) continue;
    const s = strip(x);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function mergeMap(orig: Record<string, unknown>, patch: Record<string, unknown>, path: string): Record<string, unknown> | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return strip(patch) as Record<string, unknown>;
  if (directive !== undefined && directive !== 'merge') throw new StrategicPatchError(`Unknown patch type: ${String(directive)} in map`);
  const out: Record<string, unknown> = { ...orig };
  const orders: [string, unknown[]][] = [];
  const deletions: [string, unknown[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/')) {
      if (!Array.isArray(v)) throw new StrategicPatchError(`invalid type for ${k}: expected a list`);
      orders.push([k.slice('$setElementOrder/'.length), v]);
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      if (!Array.isArray(v)) throw new StrategicPatchError(`invalid type for ${k}: expected a list`);
      deletions.push([k.slice('$deleteFromPrimitiveList/'.length), v]);
      continue;
    }
    if (isDirective(k)) continue;
    const p = path ? `${path}.${k}` : k;
    if (v === null) {
      delete out[k];
    } else if (isObject(v)) {
      const merged = isObject(out[k]) ? mergeMap(out[k] as Record<string, unknown>, v, p) : (strip(v) as Record<string, unknown> | undefined);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      out[k] = mergeList(Array.isArray(out[k]) ? (out[k] as unknown[]) : [], v, LISTS[p] ?? ATOMIC, p);
    } else {
      out[k] = v;
    }
  }
  for (const [field, vals] of deletions) {
    if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((x) => !vals.some((d) => JSON.stringify(d) === JSON.stringify(x)));
  }
  for (const [field, order] of orders) {
    if (Array.isArray(out[field])) out[field] = reorder(out[field] as unknown[], order, (LISTS[path ? `${path}.${field}` : field] ?? ATOMIC).key);
  }
  const retain = patch.$retainKeys;
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new StrategicPatchError('invalid type for $retainKeys: expected a list');
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}

function mergeList(orig: unknown[], patch: unknown[], meta: ListMeta, path: string): unknown[] {
  if (meta.strategy === 'replace') return strip(patch) as unknown[];
  if (meta.key === undefined) {
    // A set of primitives: union, keeping the original order.
    const out = [...orig];
    for (const v of patch) if (!out.some((x) => JSON.stringify(x) === JSON.stringify(v))) out.push(v);
    return out;
  }
  const key = meta.key;
  if (patch.some((x) => isObject(x) && x.$patch === 'replace' && Object.keys(x).length === 1)) {
    return strip(patch.filter((x) => !(isObject(x) && x.$patch === 'replace' && Object.keys(x).length === 1))) as unknown[];
  }
  const out = [...orig];
  for (const el of patch) {
    if (!isObject(el)) throw new StrategicPatchError(`${path}: list elements must be objects with the merge key "${key}"`);
    if (!(key in el)) throw new StrategicPatchError(`map: ${JSON.stringify(el)} does not contain declared merge key: ${key}`);
    const i = out.findIndex((x) => isObject(x) && JSON.stringify(x[key]) === JSON.stringify(el[key]));
    if (el.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) {
      const merged = mergeMap(out[i] as Record<string, unknown>, el, path);
      if (merged === undefined) out.splice(i, 1);
      else out[i] = merged;
    } else {
      const s = strip(el);
      if (s !== undefined) out.push(s);
    }
  }
  return out;
}

/** `$setElementOrder`: the listed elements in that order, then the others in their order. */
function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const id = (x: unknown) => JSON.stringify(key !== undefined && isObject(x) ? x[key] : x);
  const rank = new Map(order.map((o, i) => [JSON.stringify(key !== undefined && isObject(o) ? o[key] : o), i]));
  const listed = list.filter((x) => rank.has(id(x))).sort((a, b) => rank.get(id(a))! - rank.get(id(b))!);
  return [...listed, ...list.filter((x) => !rank.has(id(x)))];
}

export function applyStrategicMergePatch(orig: unknown, patch: unknown): unknown {
  if (!isObject(patch)) throw new StrategicPatchError('a strategic merge patch must be a JSON object');
  return mergeMap(isObject(orig) ? orig : {}, patch, '') ?? {};
}
