/** Microsoft.ContainerService: managed clusters, agent pools, operations, Kubernetes versions, credentials. */
import { kubernetesVersions, upgradesFor } from '../../../platform/catalog/kubernetes-versions.js';
import { ids } from '../../../platform/model/keys.js';
import type { Preconditions } from '../../../platform/services/busy.js';
import type { Route } from '../../http/router.js';
import { json, type ApiRequest, type ApiResponse } from '../../http/types.js';
import { Body, parseJsonBody } from '../body.js';
import { agentPoolSpecFromWire, agentPoolToWire } from '../convert/agent-pool.js';
import { clusterSpecFromWire, clusterToWire } from '../convert/managed-cluster.js';
import { operationToWire } from '../convert/resources.js';
import { lroHeaders } from '../lro.js';
import { aksFeatures } from '../versions.js';
import { sub, type ArmDeps } from './deps.js';

const SUB = '/subscriptions/{subscriptionId}';
const MC = `${SUB}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerService/managedClusters`;
const LOC = `${SUB}/providers/Microsoft.ContainerService/locations/{location}`;

const features = (req: ApiRequest) => aksFeatures(req.query.get('api-version') ?? '');

function preconditions(req: ApiRequest): Preconditions {
  const m = req.headers['if-match'];
  const n = req.headers['if-none-match'];
  return { ...(typeof m === 'string' ? { ifMatch: m } : {}), ...(typeof n === 'string' ? { ifNoneMatch: n } : {}) };
}

export function containerServiceRoutes(d: ArmDeps): Route[] {
  const p = d.platform;
  const action = (what: string) => `Microsoft.ContainerService/${what}`;
  return [
    {
      method: 'GET', path: `${SUB}/providers/Microsoft.ContainerService/managedClusters`, auth: 'arm', versions: 'containerService', action: action('managedClusters/read'),
      handler: async (req) => json(200, { value: (await p.clusters.list(sub(req.params))).map((c) => clusterToWire(c.cluster, c.pools, features(req))) }),
    },
    {
      method: 'GET', path: MC, auth: 'arm', versions: 'containerService', action: action('managedClusters/read'),
      handler: async (req) => json(200, { value: (await p.clusters.list(sub(req.params), req.params.resourceGroupName!)).map((c) => clusterToWire(c.cluster, c.pools, features(req))) }),
    },
    {
      method: 'GET', path: `${MC}/{resourceName}`, auth: 'arm', versions: 'containerService', action: action('managedClusters/read'),
      handler: async (req) => {
        const { cluster, pools } = await p.clusters.get(sub(req.params), req.params.resourceGroupName!, req.params.resourceName!);
        return json(200, clusterToWire(cluster, pools, features(req)), { etag: cluster.eTag });
      },
    },
    {
      method: 'PUT', path: `${MC}/{resourceName}`, auth: 'arm', versions: 'containerService', action: action('managedClusters/write'),
      handler: async (req) => {
        const spec = clusterSpecFromWire(parseJsonBody(req.body), features(req));
        const r = await p.clusters.createOrUpdate(sub(req.params), req.params.resourceGroupName!, req.params.resourceName!, spec, preconditions(req));
        return json(r.created ? 201 : 200, clusterToWire(r.cluster, r.pools, features(req)), { ...lroHeaders(req, r.operation, d.lro, false), etag: r.cluster.eTag });
      },
    },
    {
      method: 'DELETE', path: `${MC}/{resourceName}`, auth: 'arm', versions: 'containerService', action: action('managedClusters/delete'),
      handler: async (req) => {
        const op = await p.clusters.delete(sub(req.params), req.params.resourceGroupName!, req.params.resourceName!, preconditions(req));
        return op ? { status: 202, headers: lroHeaders(req, op, d.lro, true) } : { status: 204 };
      },
    },
    ...(['listClusterUserCredential', 'listClusterAdminCredential'] as const).map(
      (verb): Route => ({
        method: 'POST', path: `${MC}/{resourceName}/${verb}`, auth: 'arm', versions: 'containerService', action: action(`managedClusters/${verb}/action`),
        handler: async (req): Promise<ApiResponse> => {
          const { cluster } = await p.clusters.get(sub(req.params), req.params.resourceGroupName!, req.params.resourceName!);
          const admin = verb === 'listClusterAdminCredential';
          const kubeconfig = await d.kubeconfigs.kubeconfig({
            clusterName: cluster.name,
            resourceGroup: cluster.resourceGroup,
            clusterUid: cluster.resourceUID,
            admin,
            serverUrl: `${req.baseUrl}/clusters/${cluster.resourceUID}`,
          });
          return json(200, { kubeconfigs: [{ name: admin ? 'clusterAdmin' : 'clusterUser', value: Buffer.from(kubeconfig).toString('base64') }] });
        },
      }),
    ),
    // --- agent pools
    {
      method: 'GET', path: `${MC}/{resourceName}/agentPools`, auth: 'arm', versions: 'containerService', action: action('managedClusters/agentPools/read'),
      handler: async (req) => {
        const pools = await p.agentPools.list(sub(req.params), req.params.resourceGroupName!, req.params.resourceName!);
        return json(200, { value: pools.map((x) => agentPoolToWire(x, ids.agentPool(x.subscriptionId, x.resourceGroup, x.clusterName, x.name), features(req))) });
      },
    },
    {
      method: 'GET', path: `${MC}/{resourceName}/agentPools/{agentPoolName}`, auth: 'arm', versions: 'containerService', action: action('managedClusters/agentPools/read'),
      handler: async (req) => {
        const x = await p.agentPools.get(sub(req.params), req.params.resourceGroupName!, req.params.resourceName!, req.params.agentPoolName!);
        return json(200, agentPoolToWire(x, ids.agentPool(x.subscriptionId, x.resourceGroup, x.clusterName, x.name), features(req)), { etag: x.eTag });
      },
    },
    {
      method: 'PUT', path: `${MC}/{resourceName}/agentPools/{agentPoolName}`, auth: 'arm', versions: 'containerService', action: action('managedClusters/agentPools/write'),
      handler: async (req) => {
        const body = Body.root(parseJsonBody(req.body));
        const spec = agentPoolSpecFromWire(body.obj('properties') ?? Body.root({}, 'properties'), features(req));
        const r = await p.agentPools.createOrUpdate(sub(req.params), req.params.resourceGroupName!, req.params.resourceName!, req.params.agentPoolName!, spec, preconditions(req));
        const x = r.pool;
        return json(r.created ? 201 : 200, agentPoolToWire(x, ids.agentPool(x.subscriptionId, x.resourceGroup, x.clusterName, x.name), features(req)), { ...lroHeaders(req, r.operation, d.lro, false), etag: x.eTag });
      },
    },
    {
      method: 'DELETE', path: `${MC}/{resourceName}/agentPools/{agentPoolName}`, auth: 'arm', versions: 'containerService', action: action('managedClusters/agentPools/delete'),
      handler: async (req) => {
        const op = await p.agentPools.delete(sub(req.params), req.params.resourceGroupName!, req.params.resourceName!, req.params.agentPoolName!, preconditions(req));
        return op ? { status: 202, headers: lroHeaders(req, op, d.lro, true) } : { status: 204 };
      },
    },
    // --- operations
    {
      method: 'GET', path: `${LOC}/operations/{operationId}`, auth: 'arm', versions: 'containerService', action: action('locations/operations/read'),
      handler: async (req) => json(200, operationToWire(await p.operations.get(sub(req.params), req.params.operationId!))),
    },
    {
      // DELETE's Location: 202 while running; 204 when done; the error when it failed.
      method: 'GET', path: `${LOC}/operationresults/{operationId}`, auth: 'arm', versions: 'containerService', action: action('locations/operationresults/read'),
      handler: async (req) => {
        const op = await p.operations.get(sub(req.params), req.params.operationId!);
        if (op.status === 'InProgress') return { status: 202, headers: { location: `${req.baseUrl}${req.path}?${req.query.toString()}`, 'retry-after': String(d.lro.retryAfterSeconds) } };
        if (op.status === 'Succeeded') return { status: 204 };
        return json(op.status === 'Canceled' ? 409 : 500, { error: op.error ?? { code: op.status, message: `The operation ${op.status.toLowerCase()}.` } });
      },
    },
    {
      method: 'GET', path: `${LOC}/kubernetesVersions`, auth: 'arm', versions: 'containerService', action: action('locations/kubernetesVersions/read'),
      handler: async () =>
        json(200, {
          values: kubernetesVersions().map((v) => ({
            version: v.version,
            capabilities: { supportPlan: v.supportPlan },
            ...(v.isDefault ? { isDefault: true } : {}),
            ...(v.isPreview ? { isPreview: true } : {}),
            patchVersions: Object.fromEntries(v.patches.map((patch) => [patch, { upgrades: upgradesFor(patch) }])),
          })),
        }),
    },
  ];
}
