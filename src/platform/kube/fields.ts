/**
 * The fields each resource can be selected by (the GetAttrs / field label conversion funcs of
 * pkg/registry/core/<resource>/strategy.go and pkg/apis/core/v1/conversion.go). A selector on any other
 * field is refused as kube-apiserver refuses it: `field label not supported: …`.
 */
import { badRequest } from './errors.js';
import type { ResourceName } from './resources.js';
import type { FieldSelector } from './selectors.js';
import type { KubeEvent, KubeObject, Node, Pod } from './types.js';

const meta = (o: KubeObject, namespaced: boolean): Record<string, string> => ({
  'metadata.name': o.metadata.name,
  ...(namespaced ? { 'metadata.namespace': o.metadata.namespace ?? '' } : {}),
});

const FIELDS: Record<ResourceName, (o: KubeObject) => Record<string, string>> = {
  pods: (o) => {
    const p = o as Pod;
    return {
      ...meta(o, true),
      'spec.nodeName': p.spec?.nodeName ?? '',
      'spec.restartPolicy': String(p.spec?.restartPolicy ?? ''),
      'spec.schedulerName': p.spec?.schedulerName ?? '',
      'spec.serviceAccountName': String(p.spec?.serviceAccountName ?? ''),
      'spec.hostNetwork': String(p.spec?.hostNetwork ?? false),
      'status.phase': p.status?.phase ?? '',
      'status.podIP': p.status?.podIP ?? '',
      'status.nominatedNodeName': p.status?.nominatedNodeName ?? '',
    };
  },
  nodes: (o) => ({ ...meta(o, false), 'spec.unschedulable': String((o as Node).spec?.unschedulable ?? false) }),
  namespaces: (o) => ({ ...meta(o, false), 'status.phase': String((o as { status?: { phase?: string } }).status?.phase ?? '') }),
  events: (o) => {
    const e = o as KubeEvent;
    const io = e.involvedObject ?? {};
    return {
      ...meta(o, true),
      'involvedObject.kind': io.kind ?? '',
      'involvedObject.namespace': io.namespace ?? '',
      'involvedObject.name': io.name ?? '',
      'involvedObject.uid': io.uid ?? '',
      'involvedObject.apiVersion': io.apiVersion ?? '',
      'involvedObject.resourceVersion': io.resourceVersion ?? '',
      'involvedObject.fieldPath': io.fieldPath ?? '',
      reason: e.reason ?? '',
      reportingComponent: e.reportingComponent ?? '',
      source: e.source?.component ?? '',
      type: e.type ?? '',
    };
  },
  leases: (o) => meta(o, true),
};

export function fieldsOf(resource: ResourceName, o: KubeObject): Record<string, string> {
  return FIELDS[resource](o);
}

const SUPPORTED: Record<ResourceName, Set<string>> = {
  pods: new Set(['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName']),
  nodes: new Set(['metadata.name', 'spec.unschedulable']),
  namespaces: new Set(['metadata.name', 'status.phase']),
  events: new Set(['metadata.name', 'metadata.namespace', 'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type']),
  leases: new Set(['metadata.name', 'metadata.namespace']),
};

/** Refuse selectors on fields the resource does not index. */
export function checkFieldSelector(resource: ResourceName, sel: FieldSelector): void {
  for (const r of sel) if (!SUPPORTED[resource].has(r.field)) throw badRequest(`field label not supported: ${r.field}`);
}
