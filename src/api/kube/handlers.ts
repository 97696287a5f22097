/**
 * The verbs on a resource (k8s.io/apiserver endpoints/handlers): get, list, watch, create,
 * update, patch, delete, deletecollection, and the pod subresources `binding` and `eviction`.
 * Bodies are decoded strictly (decode/), patches applied by their content type (patch/), and
 * every read comes back in the representation the client negotiated (wire.ts).
 */
import { badRequest, invalid, KubeError, required } from '../../platform/kube/errors.js';
import type { Platform } from '../../platform/platform.js';
import { fieldsOf, checkFieldSelector } from '../../platform/kube/fields.js';
import { resourceInfo, type ResourceInfo } from '../../platform/kube/resources.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError, type FieldSelector, type LabelSelector } from '../../platform/kube/selectors.js';
import type { KubeObject } from '../../platform/kube/types.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { decodeObject, decodeValue, parseBody, parseFieldValidation, warningHeader, type FieldValidation } from './decode/decode.js';
import { BINDING, DELETE_OPTIONS, EVICTION, SCHEMAS } from './decode/schema.js';
import { applyJsonPatch, JsonPatchError } from './patch/json-patch.js';
import { mergePatch } from './patch/merge-patch.js';
import { applyStrategicMergePatch, StrategicPatchError } from './patch/strategic-merge-patch.js';
import type { RequestInfo } from './request-info.js';
import type { KubeApiOptions } from './routes.js';
import { watchResponse } from './watch.js';
import { negotiate, render, renderList, toWire } from './wire.js';

const ok = (status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse => ({ status, body, headers: { 'content-type': 'application/json', ...headers } });
const notFoundPath = () => new KubeError('NotFound', 'the server could not find the requested resource', {});

function selectors(q: URLSearchParams, r: ResourceInfo): { labels?: LabelSelector; fields?: FieldSelector } {
  try {
    const l = q.get('labelSelector');
    const f = q.get('fieldSelector');
    const fields = f ? parseFieldSelector(f) : undefined;
    if (fields) checkFieldSelector(r.resource, fields);
    return { ...(l ? { labels: parseLabelSelector(l) } : {}), ...(fields ? { fields } : {}) };
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
}

function dryRun(q: URLSearchParams): boolean {
  const v = q.getAll('dryRun');
  for (const x of v) if (x !== 'All') throw invalid('DryRun', '', '', [{ type: 'FieldValueNotSupported', field: 'dryRun', value: x, detail: 'supported values: "All"' }]);
  return v.length > 0;
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(v)}`);
  return Number(v);
}

export async function handleResource(platform: Platform, o: KubeApiOptions, req: ApiRequest, uid: string, info: RequestInfo, r: ResourceInfo): Promise<ApiResponse> {
  const kube = platform.kube;
  const now = platform.ctx.clock.now();
  const ns = info.namespace;
  const q = req.query;
  if (!r.namespaced && ns !== undefined) throw notFoundPath();
  if (r.namespaced && ns === undefined && info.verb !== 'list' && info.verb !== 'watch') throw notFoundPath();
  if (info.subresource && !r.subresources.some((s) => s.name === info.subresource)) throw notFoundPath();
  const accept = typeof req.headers.accept === 'string' ? req.headers.accept : undefined;
  const includeObject = q.get('includeObject');
  const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;

  switch (info.verb) {
    case 'get': {
      const rep = negotiate(accept);
      return ok(200, render(r, kube.registry.get(uid, r, ns, info.name!), rep, includeObject, now));
    }
    case 'list': {
      const rep = negotiate(accept);
      const s = selectors(q, r);
      const limit = intParam(q, 'limit');
      const res = await kube.registry.list(uid, r, ns, { ...(s.labels ? { labelSelector: s.labels } : {}), ...(s.fields ? { fieldSelector: s.fields } : {}), ...(limit !== undefined ? { limit } : {}), ...(q.get('continue') ? { continue: q.get('continue')! } : {}) });
      return ok(200, renderList(r, res.items, res, rep, includeObject, now));
    }
    case 'watch': {
      const rep = negotiate(accept);
      const s = selectors(q, r);
      const rv = q.get('resourceVersion');
      if (rv !== null && rv !== '' && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
      const match = s.labels || s.fields ? (obj: KubeObject) => (!s.labels || matchesLabels(obj.metadata.labels, s.labels)) && (!s.fields || matchesFields(fieldsOf(r.resource, obj), s.fields)) : undefined;
      return watchResponse({
        hub: kube.hub,
        clock: platform.ctx.clock,
        resource: r,
        filter: { clusterUid: uid, resource: r.resource, ...(ns !== undefined ? { namespace: ns } : {}), ...(match ? { match } : {}) },
        fromRev: rv === null || rv === '' ? undefined : Number(rv),
        rep,
        includeObject,
        bookmarks: q.get('allowWatchBookmarks') === 'true',
        sendInitialEvents: q.get('sendInitialEvents') === 'true',
        bookmarkIntervalMs: o.bookmarkIntervalMs ?? 60_000,
        currentRev: () => platform.ctx.store.revision(),
        timeoutMs: watchTimeoutMs(q.get('timeoutSeconds')),
      });
    }
    case 'create': {
      const validation = parseFieldValidation(q.get('fieldValidation'));
      if (info.subresource === 'eviction') return evict(platform, req, uid, ns!, info.name!, validation);
      if (info.subresource === 'binding') return bind(platform, req, uid, ns!, info.name!, validation);
      if (info.name) throw notFoundPath();
      const d = decodeObject<KubeObject>(req.body, r.kind, apiVersion, SCHEMAS[r.kind]!, validation, r.kind, contentType(req));
      const obj = withMeta(d.obj);
      if (r.namespaced && obj.metadata.namespace && obj.metadata.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      const v = await kube.registry.create(uid, r, ns, obj, { dryRun: dryRun(q) });
      return ok(201, toWire(v), warningHeader(d.warnings));
    }
    case 'update': {
      const validation = parseFieldValidation(q.get('fieldValidation'));
      const d = decodeObject<KubeObject>(req.body, r.kind, apiVersion, SCHEMAS[r.kind]!, validation, r.kind, contentType(req));
      const v = await kube.registry.update(uid, r, ns, info.name!, withMeta(d.obj), info.subresource === 'status' ? 'status' : undefined, { dryRun: dryRun(q) });
      return ok(200, toWire(v), warningHeader(d.warnings));
    }
    case 'patch': {
      const validation = parseFieldValidation(q.get('fieldValidation'));
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
      const apply = patcher(type);
      const patch = parseBody(req.body).value;
      let warnings: string[] = [];
      const v = await kube.registry.guaranteedUpdate(
        uid,
        r,
        ns,
        info.name!,
        (cur, rev) => {
          const wire = toWire({ rev, obj: cur });
          let patched: unknown;
          try {
            patched = apply(wire, patch);
          } catch (e) {
            if (e instanceof JsonPatchError || e instanceof StrategicPatchError) throw new KubeError('Invalid', e.message);
            throw e;
          }
          const d = decodeValue<KubeObject>(patched, [], r.kind, apiVersion, SCHEMAS[r.kind]!, validation);
          warnings = d.warnings;
          const out = withMeta(d.obj);
          // The resourceVersion the patch carried (if any) is a precondition; the current one is not.
          if (out.metadata.resourceVersion === String(rev)) delete out.metadata.resourceVersion;
          return out;
        },
        info.subresource === 'status' ? 'status' : undefined,
        { dryRun: dryRun(q) },
      );
      return ok(200, toWire(v), warningHeader(warnings));
    }
    case 'delete': {
      const opts = deleteOptions(req);
      const res = await kube.registry.delete(uid, r, ns, info.name!, { ...opts, dryRun: dryRun(q) || opts.dryRun });
      return ok(200, toWire({ rev: res.rev, obj: res.obj }));
    }
    case 'deletecollection': {
      const s = selectors(q, r);
      const opts = deleteOptions(req);
      const list = await kube.registry.list(uid, r, ns, { ...(s.labels ? { labelSelector: s.labels } : {}), ...(s.fields ? { fieldSelector: s.fields } : {}) });
      const deleted = [];
      for (const v of list.items) {
        try {
          const d = await kube.registry.delete(uid, r, v.obj.metadata.namespace, v.obj.metadata.name, { ...opts, dryRun: dryRun(q) || opts.dryRun });
          deleted.push({ rev: d.rev, obj: d.obj });
        } catch (e) {
          if (!(e instanceof KubeError && e.reason === 'NotFound')) throw e;
        }
      }
      return ok(200, renderList(r, deleted, { rev: await platform.ctx.store.revision() }, { as: 'object' }, null, now));
    }
    default:
      throw new KubeError('MethodNotAllowed', `${info.verb} is not supported on resources of kind "${r.resource}"`);
  }
}

const contentType = (req: ApiRequest): string | undefined => (typeof req.headers['content-type'] === 'string' ? req.headers['content-type'] : undefined);

function withMeta(o: KubeObject): KubeObject {
  return { ...o, metadata: { ...((o.metadata as KubeObject['metadata'] | undefined) ?? ({} as KubeObject['metadata'])) } };
}

function patcher(type: string): (doc: unknown, patch: unknown) => unknown {
  switch (type) {
    case 'application/json-patch+json':
      return applyJsonPatch;
    case 'application/merge-patch+json':
      return mergePatch;
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch;
    default:
      throw new KubeError(
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
      );
  }
}

interface DeleteOpts {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

function deleteOptions(req: ApiRequest): DeleteOpts {
  const out: DeleteOpts = { dryRun: false };
  // Typed clients may send DeleteOptions as protobuf; options then come from the query only.
  if (req.body.length && !contentType(req)?.startsWith('application/vnd.kubernetes.protobuf')) {
    const d = decodeObject<{ gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string }; dryRun?: string[] }>(req.body, 'DeleteOptions', 'v1', DELETE_OPTIONS, 'Ignore');
    if (d.obj.gracePeriodSeconds !== undefined) out.gracePeriodSeconds = d.obj.gracePeriodSeconds;
    if (d.obj.preconditions) out.preconditions = d.obj.preconditions;
    if (d.obj.dryRun?.length) out.dryRun = true;
  }
  const g = intParam(req.query, 'gracePeriodSeconds');
  if (g !== undefined) out.gracePeriodSeconds = g;
  return out;
}

/** POST pods/{name}/eviction: no PodDisruptionBudgets here, so an eviction is a (graceful) delete. */
async function evict(platform: Platform, req: ApiRequest, uid: string, ns: string, name: string, validation: FieldValidation): Promise<ApiResponse> {
  const parsed = parseBody(req.body);
  const av = (parsed.value as { apiVersion?: string } | null)?.apiVersion;
  const d = decodeValue<{ metadata?: { name?: string }; deleteOptions?: { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } } }>(
    parsed.value,
    parsed.duplicates,
    'Eviction',
    av === 'policy/v1beta1' ? 'policy/v1beta1' : 'policy/v1',
    EVICTION,
    validation,
  );
  if (d.obj.metadata?.name && d.obj.metadata.name !== name) throw badRequest(`name in URL does not match name in Eviction object`);
  const pods = resourceInfo('pods');
  platform.kube.registry.get(uid, pods, ns, name);
  const opts = d.obj.deleteOptions ?? {};
  await platform.kube.registry.delete(uid, pods, ns, name, { ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}), ...(opts.preconditions ? { preconditions: opts.preconditions } : {}) });
  return { status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, headers: { 'content-type': 'application/json', ...warningHeader(d.warnings) } };
}

/** POST pods/{name}/binding: what a scheduler does — set spec.nodeName once. */
async function bind(platform: Platform, req: ApiRequest, uid: string, ns: string, name: string, validation: FieldValidation): Promise<ApiResponse> {
  const d = decodeObject<{ metadata?: { name?: string }; target?: { kind?: string; name?: string } }>(req.body, 'Binding', 'v1', BINDING, validation);
  const pods = resourceInfo('pods');
  const target = d.obj.target?.name;
  if (!target) throw invalid('Binding', '', name, [required('target.name')]);
  if (d.obj.target?.kind && d.obj.target.kind !== 'Node') throw invalid('Binding', '', name, [{ type: 'FieldValueNotSupported', field: 'target.kind', value: d.obj.target.kind, detail: 'supported values: "Node"' }]);
  await platform.kube.registry.bindPod(uid, ns, name, target);
  return { status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, headers: { 'content-type': 'application/json', ...warningHeader(d.warnings) } };
}

/**
 * A watch's lifetime: the client's `timeoutSeconds`, or — as kube-apiserver does with
 * --min-request-timeout=1800 — a random time between 30 and 60 minutes.
 */
function watchTimeoutMs(timeoutSeconds: string | null): number {
  if (timeoutSeconds !== null && /^\d+$/.test(timeoutSeconds) && Number(timeoutSeconds) > 0) return Number(timeoutSeconds) * 1000;
  return (1800 + Math.floor(Math.random() * 1800)) * 1000;
}
