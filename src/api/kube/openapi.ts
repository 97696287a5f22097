/**
 * A minimal OpenAPI v3 (the /openapi/v3 index and one document per group/version). kubectl
 * reads it to decide whether the server validates fields itself: each kind's PATCH operation,
 * tagged with `x-kubernetes-group-version-kind` and a `fieldValidation` query parameter, is
 * enough for `kubectl apply` to send `fieldValidation=Strict` and let the server do the
 * validation (reference/ecosystem.md §1.3). Index URLs are server-relative, so they carry the
 * cluster prefix (client-go's RequestURI replaces the whole path).
 */
import { createHash } from 'node:crypto';
import { apiVersionOf, RESOURCES } from '../../platform/kube/resources.js';

const gvPath = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(gvPath(r.group, r.version), { group: r.group, version: r.version });
  // Eviction (policy/v1) is posted to pods/eviction: its kind is described under the core document.
  return [...seen.values()];
}

export function openApiDocument(group: string, version: string): unknown | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const params = [
    { name: 'dryRun', in: 'query', schema: { type: 'string' } },
    { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
    { name: 'fieldValidation', in: 'query', description: 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn (default) or Strict.', schema: { type: 'string' } },
  ];
  for (const r of rs) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const prefix = `/${gvPath(r.group, r.version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
    const ref = `#/components/schemas/${schemaName(r.group, r.version, r.kind)}`;
    const ok = { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: ref } } } } };
    paths[`${prefix}/{name}`] = {
      get: { operationId: `read${r.kind}`, 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk, responses: ok },
      put: { operationId: `replace${r.kind}`, 'x-kubernetes-action': 'put', 'x-kubernetes-group-version-kind': gvk, parameters: params, responses: ok },
      patch: { operationId: `patch${r.kind}`, 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': gvk, parameters: params, responses: ok },
      delete: { operationId: `delete${r.kind}`, 'x-kubernetes-action': 'delete', 'x-kubernetes-group-version-kind': gvk, responses: ok },
    };
    paths[prefix] = { post: { operationId: `create${r.kind}`, 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': gvk, parameters: params, responses: ok } };
    schemas[schemaName(r.group, r.version, r.kind)] = { type: 'object', 'x-kubernetes-group-version-kind': [gvk] };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: apiVersionOf({ group, version }) }, paths, components: { schemas } };
}

function schemaName(group: string, version: string, kind: string): string {
  return `io.k8s.api.${group ? group.split('.')[0] : 'core'}.${version}.${kind}`;
}

/** The index: one entry per group/version, each with its document's hash. */
export function openApiIndex(prefix: string): unknown {
  const paths: Record<string, unknown> = {};
  for (const { group, version } of groupVersions()) {
    const doc = JSON.stringify(openApiDocument(group, version));
    const hash = createHash('sha512').update(doc).digest('hex').slice(0, 128).toUpperCase();
    paths[gvPath(group, version)] = { serverRelativeURL: `${prefix}/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}
