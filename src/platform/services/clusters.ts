/**
 * Managed clusters: create (with their agent pools), update, delete, list.
 *
 * Steps of a PUT:
 *   1. the resource group exists, Microsoft.ContainerService is registered, the location is offered,
 *   2. create: defaults, every pool through the same rules as an agent pool PUT, ≥ 1 System pool;
 *      update: only what AKS lets a cluster PUT change (pool settings of existing pools, tags),
 *   3. one atomic commit: cluster, pools, node resource group (create) and the operation,
 *   4. wake the reconcilers.
 */
import { defaultKubernetesVersion, resolveKubernetesVersion } from '../catalog/kubernetes-versions.js';
import { DomainError, invalid } from '../errors.js';
import { KIND, ids, keys, nodeResourceGroupName } from '../model/keys.js';
import type { AgentPool, ManagedCluster, Operation, ResourceGroup } from '../model/types.js';
import { checkSecurityUpdate, TRUSTED_LAUNCH_FEATURE } from '../rules/trusted-launch.js';
import type { WriteOp } from '../store/store.js';
import { applyPoolUpdate, buildNewPool, poolConfig, requireVersion, type AgentPoolSpec } from './agent-pool-spec.js';
import { clusterNotFound } from './agent-pools.js';
import { admit, checkPreconditions, clusterBusy, poolBusy, type Preconditions } from './busy.js';
import type { PlatformContext } from './context.js';
import { DEFAULT_TENANT_ID } from './identity.js';
import { OperationService } from './operations.js';
import { RegistrationService } from './registrations.js';
import { resourceGroupNotFound } from './resource-groups.js';

export interface ManagedClusterSpec {
  readonly location: string;
  readonly tags?: Record<string, string>;
  readonly kubernetesVersion?: string;
  readonly dnsPrefix?: string;
  readonly nodeResourceGroup?: string;
  readonly sku?: { readonly name?: string; readonly tier?: string };
  readonly agentPoolProfiles?: readonly (AgentPoolSpec & { readonly name: string })[];
  /** `properties` the platform does not interpret, echoed back. */
  readonly extra?: Record<string, unknown>;
  /** Top-level members the platform does not interpret (identity, extendedLocation, kind …). */
  readonly extraTop?: Record<string, unknown>;
}

const CLUSTER_NAME = /^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$/;

/** az's default DNS prefix: `{name[:10]}-{rg[:16]}-{sub[:6]}` after removing characters DNS does not allow (reference/aks-api.md §3.3b). */
export function defaultDnsPrefix(name: string, rg: string, sub: string): string {
  let namePart = name.replace(/[^A-Za-z0-9-]/g, '').slice(0, 10);
  if (!/^[A-Za-z]/.test(namePart)) namePart = `a${namePart}`.slice(0, 10);
  const rgPart = rg.replace(/[^A-Za-z0-9-]/g, '').slice(0, 16);
  return `${namePart}-${rgPart}-${sub.slice(0, 6)}`;
}

export class ClusterService {
  private readonly ops: OperationService;
  private readonly reg: RegistrationService;

  constructor(private readonly ctx: PlatformContext) {
    this.ops = new OperationService(ctx);
    this.reg = new RegistrationService(ctx);
  }

  async get(sub: string, rg: string, name: string): Promise<{ cluster: ManagedCluster; pools: AgentPool[] }> {
    const c = await this.ctx.store.get<ManagedCluster>(KIND.cluster, keys.cluster(sub, rg, name));
    if (!c) throw clusterNotFound(rg, name);
    return { cluster: c.value, pools: await this.poolsOf(c.key, c.value) };
  }

  async list(sub: string, rg?: string): Promise<{ cluster: ManagedCluster; pools: AgentPool[] }[]> {
    if (rg !== undefined && !(await this.ctx.store.get(KIND.resourceGroup, keys.resourceGroup(sub, rg)))) throw resourceGroupNotFound(rg);
    const prefix = rg === undefined ? `${sub.toLowerCase()}/` : `${keys.resourceGroup(sub, rg)}/`;
    const clusters = await this.ctx.store.list<ManagedCluster>(KIND.cluster, { prefix });
    return Promise.all(clusters.map(async (c) => ({ cluster: c.value, pools: await this.poolsOf(c.key, c.value) })));
  }

  private async poolsOf(clusterKey: string, cluster: ManagedCluster): Promise<AgentPool[]> {
    const pools = (await this.ctx.store.list<AgentPool>(KIND.agentPool, { prefix: `${clusterKey}/` })).map((p) => p.value);
    const order = new Map(cluster.poolOrder.map((n, i) => [n, i]));
    return pools.sort((a, b) => (order.get(a.name) ?? 1e9) - (order.get(b.name) ?? 1e9) || a.createdAt - b.createdAt);
  }

  createOrUpdate(sub: string, rg: string, name: string, spec: ManagedClusterSpec, pre: Preconditions = {}): Promise<{ cluster: ManagedCluster; pools: AgentPool[]; created: boolean; operation: Operation }> {
    return admit(() => this.createOrUpdateOnce(sub, rg, name, spec, pre));
  }

  private async createOrUpdateOnce(sub: string, rg: string, name: string, spec: ManagedClusterSpec, pre: Preconditions): Promise<{ cluster: ManagedCluster; pools: AgentPool[]; created: boolean; operation: Operation }> {
    // 1.
    const group = await this.ctx.store.get<ResourceGroup>(KIND.resourceGroup, keys.resourceGroup(sub, rg));
    if (!group) throw resourceGroupNotFound(rg);
    await this.reg.requireProvider(sub, 'Microsoft.ContainerService');
    const key = keys.cluster(sub, rg, name);
    const existing = await this.ctx.store.get<ManagedCluster>(KIND.cluster, key);
    checkPreconditions(`managed cluster ${name}`, existing?.value, pre);
    return existing ? this.update(sub, key, existing, spec) : this.create(sub, group.value, key, name, spec);
  }

  private async create(sub: string, group: ResourceGroup, key: string, name: string, spec: ManagedClusterSpec) {
    if (!CLUSTER_NAME.test(name)) {
      throw invalid('InvalidParameter', `The value of parameter name "${name}" is invalid. Cluster names have 1-63 characters: letters, digits, '-' and '_', starting and ending with a letter or digit. Please see https://aka.ms/aks-naming-rules for more details.`, 'name');
    }
    const location = this.requireLocation(spec.location);
    const kubernetesVersion = spec.kubernetesVersion ? requireVersion(spec.kubernetesVersion, 'kubernetesVersion') : defaultKubernetesVersion();
    const profiles = spec.agentPoolProfiles ?? [];
    if (profiles.length === 0) {
      throw invalid('InvalidParameter', 'The value of parameter agentPoolProfiles is invalid: a cluster needs at least one agent pool profile (a System pool).', 'agentPoolProfiles');
    }
    const seen = new Set<string>();
    for (const p of profiles) {
      if (seen.has(p.name.toLowerCase())) throw invalid('InvalidParameter', `Agent pool name '${p.name}' is used more than once; agent pool names must be unique within a cluster.`, 'agentPoolProfiles');
      seen.add(p.name.toLowerCase());
    }
    const gate = await this.reg.featureGate(sub, TRUSTED_LAUNCH_FEATURE.namespace, TRUSTED_LAUNCH_FEATURE.name);
    const now = this.ctx.clock.now();
    const anySystem = profiles.some((p) => p.mode === 'System');
    const nodeNameNumber = this.ctx.ids.digits(8);
    const dnsPrefix = spec.dnsPrefix ?? defaultDnsPrefix(name, group.name, sub);
    const cluster0 = { name, kubernetesVersion, nodeNameNumber };
    const pools = profiles.map((p, i) =>
      buildNewPool({ subscriptionId: sub, resourceGroup: group.name, cluster: cluster0, name: p.name, spec: p, defaultMode: !anySystem && i === 0 ? 'System' : 'User', gate, now, eTag: this.ctx.ids.uuid() }),
    );
    if (!pools.some((p) => p.mode === 'System')) {
      throw invalid('InvalidParameter', "A cluster must have at least one 'System' agent pool. Set mode \"System\" on one of agentPoolProfiles.", 'agentPoolProfiles');
    }
    const nodeResourceGroup = spec.nodeResourceGroup ?? nodeResourceGroupName(group.name, name, location);
    const resourceId = ids.cluster(sub, group.name, name);
    const { op, write } = this.ops.start(sub, location, resourceId, { kind: KIND.cluster, key }, 'Create');
    const cluster: ManagedCluster = {
      subscriptionId: sub,
      resourceGroup: group.name,
      name,
      location,
      tags: { ...(spec.tags ?? {}) },
      kubernetesVersion,
      dnsPrefix,
      fqdn: `${dnsPrefix}-${this.ctx.ids.random(8)}.hcp.${location}.azmk8s.io`,
      nodeResourceGroup,
      nodeNameNumber,
      identityPrincipalId: this.ctx.ids.uuid(),
      tenantId: DEFAULT_TENANT_ID,
      resourceUID: this.ctx.ids.random(24),
      sku: { name: spec.sku?.name ?? 'Base', tier: spec.sku?.tier ?? 'Free' },
      provisioningState: 'Creating',
      powerState: 'Running',
      eTag: this.ctx.ids.uuid(),
      operationId: op.id,
      createdAt: now,
      extra: { ...(spec.extra ?? {}) },
      extraTop: { ...(spec.extraTop ?? {}) },
      poolOrder: pools.map((p) => p.name),
    };
    const nodeRg: ResourceGroup = { subscriptionId: sub, name: nodeResourceGroup, location, tags: {}, managedBy: resourceId, provisioningState: 'Succeeded' };
    const stored = pools.map((p) => ({ ...p, operationId: op.id }) as AgentPool);
    await this.ctx.store.commit([
      { op: 'put', kind: KIND.cluster, key, value: cluster, expectRev: 0 },
      { op: 'put', kind: KIND.resourceGroup, key: keys.resourceGroup(sub, nodeResourceGroup), value: nodeRg, expectRev: 0 },
      ...stored.map((p): WriteOp => ({ op: 'put', kind: KIND.agentPool, key: keys.agentPool(key, p.name), value: p, expectRev: 0 })),
      write,
    ]);
    for (const p of stored) this.ctx.queue.enqueue(KIND.agentPool, keys.agentPool(key, p.name));
    this.ctx.queue.enqueue(KIND.cluster, key);
    return { cluster, pools: stored, created: true, operation: op };
  }

  private async update(sub: string, key: string, existing: { rev: number; value: ManagedCluster }, spec: ManagedClusterSpec) {
    const cur = existing.value;
    if (cur.operationId) throw clusterBusy(cur, cur.operationId);
    if (spec.location.toLowerCase().replace(/\s/g, '') !== cur.location) {
      throw invalid('InvalidResourceLocation', `The resource '${cur.name}' already exists in location '${cur.location}' in resource group '${cur.resourceGroup}'. A resource with the same name cannot be created in location '${spec.location}'. Please select a new resource name.`, 'location');
    }
    if (spec.dnsPrefix !== undefined && spec.dnsPrefix !== cur.dnsPrefix) throw invalid('PropertyChangeNotAllowed', "Changing property 'dnsPrefix' is not allowed.", 'dnsPrefix');
    if (spec.kubernetesVersion !== undefined && resolveKubernetesVersion(spec.kubernetesVersion) !== cur.kubernetesVersion) {
      throw invalid('OperationNotAllowed', 'Upgrading the control plane is not supported by this platform.', 'kubernetesVersion');
    }
    const pools = await this.ctx.store.list<AgentPool>(KIND.agentPool, { prefix: `${key}/` });
    for (const p of pools) if (p.value.operationId) throw poolBusy(p.value);
    const byName = new Map(pools.map((p) => [p.value.name.toLowerCase(), p]));
    const profiles = spec.agentPoolProfiles ?? [];
    for (const prof of profiles) {
      if (!byName.has(prof.name.toLowerCase())) {
        throw invalid(
          'BadRequest',
          'A new agent pool was introduced. Adding agent pools to an existing cluster is not allowed through managed cluster operations. For agent pool specific change, please use per agent pool operations: https://aka.ms/agent-pool-rest-api',
          'agentPoolProfiles',
        );
      }
    }
    if (profiles.length && profiles.length < pools.length) {
      throw invalid('BadRequest', 'Deleting agent pools from an existing cluster is not allowed through managed cluster operations. For agent pool specific change, please use per agent pool operations: https://aka.ms/agent-pool-rest-api', 'agentPoolProfiles');
    }
    const gate = await this.reg.featureGate(sub, TRUSTED_LAUNCH_FEATURE.namespace, TRUSTED_LAUNCH_FEATURE.name);
    const { op, write } = this.ops.start(sub, cur.location, ids.cluster(sub, cur.resourceGroup, cur.name), { kind: KIND.cluster, key }, 'Update');
    const writes: WriteOp[] = [];
    for (const prof of profiles) {
      const p = byName.get(prof.name.toLowerCase())!;
      const { next, reimage, scale } = applyPoolUpdate(p.value, prof);
      checkSecurityUpdate(poolConfig(next), p.value.trustedLaunchImage, gate, p.value.securityProfile);
      if (!reimage && !scale && JSON.stringify(next) === JSON.stringify(p.value)) continue;
      const pool: AgentPool = { ...next, provisioningState: reimage ? 'Updating' : 'Scaling', operationId: op.id, eTag: this.ctx.ids.uuid() };
      writes.push({ op: 'put', kind: KIND.agentPool, key: p.key, value: pool, expectRev: p.rev });
    }
    // Every pool was idle when this operation was admitted: the ones it does not change stay guarded (busy.ts admit()).
    const written = new Set(writes.map((w) => w.key));
    for (const p of pools) if (!written.has(p.key)) writes.push({ op: 'check', kind: KIND.agentPool, key: p.key, expectRev: p.rev });
    const cluster: ManagedCluster = {
      ...cur,
      tags: spec.tags ? { ...spec.tags } : cur.tags,
      extra: spec.extra ? { ...cur.extra, ...spec.extra } : cur.extra,
      extraTop: spec.extraTop ? { ...cur.extraTop, ...spec.extraTop } : cur.extraTop,
      provisioningState: 'Updating',
      operationId: op.id,
      eTag: this.ctx.ids.uuid(),
    };
    await this.ctx.store.commit([{ op: 'put', kind: KIND.cluster, key, value: cluster, expectRev: existing.rev }, ...writes, write]);
    for (const w of writes) if (w.op === 'put') this.ctx.queue.enqueue(KIND.agentPool, w.key);
    this.ctx.queue.enqueue(KIND.cluster, key);
    const all = (await this.ctx.store.list<AgentPool>(KIND.agentPool, { prefix: `${key}/` })).map((p) => p.value);
    return { cluster, pools: all, created: false, operation: op };
  }

  delete(sub: string, rg: string, name: string, pre: Preconditions = {}): Promise<Operation | undefined> {
    return admit(() => this.deleteOnce(sub, rg, name, pre));
  }

  private async deleteOnce(sub: string, rg: string, name: string, pre: Preconditions): Promise<Operation | undefined> {
    const key = keys.cluster(sub, rg, name);
    const c = await this.ctx.store.get<ManagedCluster>(KIND.cluster, key);
    if (!c) return undefined;
    checkPreconditions(`managed cluster ${name}`, c.value, pre);
    if (c.value.operationId && !c.value.deleting) throw clusterBusy(c.value, c.value.operationId);
    if (c.value.deleting) return this.ops.get(sub, c.value.operationId!);
    const pools = await this.ctx.store.list<AgentPool>(KIND.agentPool, { prefix: `${key}/` });
    for (const p of pools) if (p.value.operationId) throw poolBusy(p.value);
    const { op, write } = this.ops.start(sub, c.value.location, ids.cluster(sub, c.value.resourceGroup, c.value.name), { kind: KIND.cluster, key }, 'Delete');
    const idle = pools.map((p): WriteOp => ({ op: 'check', kind: KIND.agentPool, key: p.key, expectRev: p.rev }));
    await this.ctx.store.commit([{ op: 'put', kind: KIND.cluster, key, value: { ...c.value, deleting: true, provisioningState: 'Deleting', operationId: op.id }, expectRev: c.rev }, ...idle, write]);
    this.ctx.queue.enqueue(KIND.cluster, key);
    return op;
  }

  private requireLocation(location: string): string {
    const l = location.toLowerCase().replace(/\s/g, '');
    if (!this.ctx.locations.includes(l)) {
      throw new DomainError(
        'Invalid',
        'LocationNotAvailableForResourceType',
        `The provided location '${location}' is not available for resource type 'Microsoft.ContainerService/managedClusters'. List of available regions for the resource type is '${this.ctx.locations.join(',')}'.`,
        { target: 'location' },
      );
    }
    return l;
  }
}

