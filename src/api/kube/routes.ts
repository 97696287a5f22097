/**
 * Every cluster's Kubernetes API, served under `/clusters/{resourceUID}/` (the kubeconfig's
 * `server:`). One route per method catches the cluster's paths; the dispatcher below reads them
 * as kube-apiserver's RequestInfoFactory does.
 *
 * Steps of a request:
 *   1. read the request info (non-resource path, or verb + group/version/namespace/resource/name/subresource),
 *   2. non-resource paths: version, discovery (legacy and aggregated), OpenAPI v3, health,
 *   3. resources: find the resource (404 otherwise) and run the verb — get, list, watch, create,
 *      update, patch, delete, deletecollection — or the subresource (status, binding, eviction).
 */
import { KIND } from '../../platform/model/keys.js';
import type { ManagedCluster } from '../../platform/model/types.js';
import type { Platform } from '../../platform/platform.js';
import { findResource } from '../../platform/kube/resources.js';
import type { Route } from '../http/router.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from './discovery.js';
import { statusResponse } from './errors.js';
import { handleResource } from './handlers.js';
import { openApiDocument, openApiIndex } from './openapi.js';
import { requestInfo } from './request-info.js';

export interface KubeApiOptions {
  /** How often watches with allowWatchBookmarks=true get a BOOKMARK (kube-apiserver: about a minute). */
  readonly bookmarkIntervalMs?: number;
}

export const CLUSTER_PATH = '/clusters/{clusterUid}/{*rest}';

export function kubeRoutes(platform: Platform, o: KubeApiOptions = {}): Route[] {
  const handler = (req: ApiRequest) => dispatch(platform, o, req);
  return ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => ({ method, path: CLUSTER_PATH, auth: 'kube' as const, handler }));
}

const json = (body: unknown, headers: Record<string, string> = {}): ApiResponse => ({ status: 200, body, headers: { 'content-type': 'application/json', ...headers } });

export const notFoundResponse = (): ApiResponse => statusResponse('NotFound', 'the server could not find the requested resource', {});

async function dispatch(platform: Platform, o: KubeApiOptions, req: ApiRequest): Promise<ApiResponse> {
  const uid = req.params.clusterUid!;
  // 1.
  const info = requestInfo(req.method, req.params.rest ?? '', req.query);
  if (info.isResource) {
    // 3.
    const r = findResource(info.group, info.version, info.resource);
    if (!r) return notFoundResponse();
    return handleResource(platform, o, req, uid, info, r);
  }
  // 2.
  if (req.method !== 'GET') return statusResponse('MethodNotAllowed', `the server does not allow this method on the requested resource`, {});
  const parts = info.path.split('/').filter(Boolean);
  const prefix = `/clusters/${uid}`;
  const accept = typeof req.headers.accept === 'string' ? req.headers.accept : undefined;
  switch (parts[0]) {
    case undefined:
      return json({ paths: ['/api', '/api/v1', '/apis', '/apis/coordination.k8s.io', '/apis/coordination.k8s.io/v1', '/healthz', '/livez', '/openapi/v3', '/readyz', '/version'] });
    case 'version':
      return json(await versionInfo(platform, uid));
    case 'healthz':
    case 'livez':
    case 'readyz':
      return { status: 200, raw: new TextEncoder().encode('ok'), headers: { 'content-type': 'text/plain; charset=utf-8' } };
    case 'api': {
      if (parts.length === 1) {
        const agg = wantsAggregated(accept);
        return agg ? json(aggregatedDiscovery(true, agg), { 'content-type': `application/json;g=apidiscovery.k8s.io;v=${agg.split('/')[1]};as=APIGroupDiscoveryList` }) : json(apiVersions());
      }
      const list = parts.length === 2 ? apiResourceList('', parts[1]!) : undefined;
      return list ? json(list) : notFoundResponse();
    }
    case 'apis': {
      if (parts.length === 1) {
        const agg = wantsAggregated(accept);
        return agg ? json(aggregatedDiscovery(false, agg), { 'content-type': `application/json;g=apidiscovery.k8s.io;v=${agg.split('/')[1]};as=APIGroupDiscoveryList` }) : json(apiGroupList());
      }
      const doc = parts.length === 2 ? apiGroup(parts[1]!) : parts.length === 3 ? apiResourceList(parts[1]!, parts[2]!) : undefined;
      return doc ? json(doc) : notFoundResponse();
    }
    case 'openapi': {
      if (parts[1] !== 'v3') return notFoundResponse();
      if (parts.length === 2) return json(openApiIndex(prefix));
      const doc = parts[2] === 'api' && parts.length === 4 ? openApiDocument('', parts[3]!) : parts[2] === 'apis' && parts.length === 5 ? openApiDocument(parts[3]!, parts[4]!) : undefined;
      return doc ? json(doc, { etag: `"${req.query.get('hash') ?? ''}"` }) : notFoundResponse();
    }
    default:
      return notFoundResponse();
  }
}

/** /version: the cluster's Kubernetes version, in version.Info's shape. */
async function versionInfo(platform: Platform, uid: string): Promise<unknown> {
  const key = platform.kube.clusterKeyOf(uid);
  const c = key ? (await platform.ctx.store.get<ManagedCluster>(KIND.cluster, key))?.value : undefined;
  const v = c?.kubernetesVersion ?? '1.33.5';
  const [major, minor] = v.split('.');
  return { major, minor, emulationMajor: major, emulationMinor: minor, minCompatibilityMajor: major, minCompatibilityMinor: String(Number(minor) - 1), gitVersion: `v${v}`, gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2026-11-10T00:00:00Z', goVersion: 'go1.24.9', compiler: 'gc', platform: 'linux/amd64' };
}
