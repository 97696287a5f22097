/**
 * Objects on the wire: the stored object plus `metadata.resourceVersion` (the Store revision),
 * lists with their list metadata, and the representation the client negotiated with its Accept
 * header — plain JSON, a meta.k8s.io Table (what kubectl asks for), or PartialObjectMetadata.
 */
import { KubeError } from '../../platform/kube/errors.js';
import type { ResourceInfo } from '../../platform/kube/resources.js';
import type { KubeObject, Versioned } from '../../platform/kube/types.js';
import { COLUMNS, row } from './table/printers.js';

export type Representation = { readonly as: 'object' } | { readonly as: 'table'; readonly version: 'v1' | 'v1beta1' } | { readonly as: 'metadata'; readonly version: 'v1' | 'v1beta1' };

/** The first representation in the Accept header that this server produces (406 when none). */
export function negotiate(accept: string | undefined): Representation {
  if (!accept) return { as: 'object' };
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p = Object.fromEntries(params.map((x) => x.split('=').map((s) => s.trim()) as [string, string]));
    if (type === 'application/json' && p.as) {
      if (p.g !== 'meta.k8s.io' || (p.v !== 'v1' && p.v !== 'v1beta1')) continue;
      if (p.as === 'Table') return { as: 'table', version: p.v };
      if (p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') return { as: 'metadata', version: p.v };
      continue;
    }
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return { as: 'object' };
  }
  throw new KubeError('NotAcceptable', 'only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io');
}

export function toWire(v: Versioned): KubeObject {
  return { ...v.obj, metadata: { ...v.obj.metadata, ...(v.rev ? { resourceVersion: String(v.rev) } : {}) } };
}

function partial(v: Versioned, version: string): unknown {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: toWire(v).metadata };
}

export interface ListMeta {
  readonly rev: number;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

const listMeta = (m: ListMeta) => ({ resourceVersion: String(m.rev), ...(m.continue ? { continue: m.continue } : {}), ...(m.remainingItemCount !== undefined ? { remainingItemCount: m.remainingItemCount } : {}) });

/** A Table of `items` (`includeObject`: None | Metadata (default) | Object). */
export function table(r: ResourceInfo, items: readonly Versioned[], meta: ListMeta, version: string, includeObject: string | null, now: number, withColumns = true): unknown {
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: listMeta(meta),
    columnDefinitions: withColumns ? COLUMNS[r.resource] : [],
    rows: items.map((v) => {
      const rr = row(r.resource, v.obj, now);
      const object = includeObject === 'None' ? undefined : includeObject === 'Object' ? toWire(v) : partial(v, version);
      return { cells: rr.cells, ...(rr.conditions ? { conditions: rr.conditions } : {}), ...(object ? { object } : {}) };
    }),
  };
}

/** One object in the negotiated representation. */
export function render(r: ResourceInfo, v: Versioned, rep: Representation, includeObject: string | null, now: number): unknown {
  if (rep.as === 'table') return table(r, [v], { rev: v.rev }, rep.version, includeObject, now);
  if (rep.as === 'metadata') return partial(v, rep.version);
  return toWire(v);
}

/** A list in the negotiated representation (typed lists carry items without apiVersion/kind, as the API server sends them). */
export function renderList(r: ResourceInfo, items: readonly Versioned[], meta: ListMeta, rep: Representation, includeObject: string | null, now: number): unknown {
  if (rep.as === 'table') return table(r, items, meta, rep.version, includeObject, now);
  if (rep.as === 'metadata') return { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${rep.version}`, metadata: listMeta(meta), items: items.map((v) => partial(v, rep.version)) };
  return {
    kind: r.listKind,
    apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
    metadata: listMeta(meta),
    items: items.map((v) => {
      const { apiVersion: _a, kind: _k, ...rest } = toWire(v);
      return rest;
    }),
  };
}
