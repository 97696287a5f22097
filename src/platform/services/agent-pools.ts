/**
 * Agent pools: create, update (scale, labels, Trusted Launch settings → reimage), delete.
 *
 * Steps of a PUT (createOrUpdate):
 *   1. the cluster exists and no operation is running on it or on the pool (else 409),
 *   2. If-Match / If-None-Match,
 *   3. create: defaults + every rule (agent-pool-spec.ts) / update: immutables + TL update rules,
 *   4. one atomic commit: the pool (Creating/Updating/Scaling, with its operation id) and the operation,
 *   5. wake the pool reconciler, which drives the VMs and finishes the operation.
 */
import { notFound, invalid } from '../errors.js';
import { IMAGE_KIND } from '../images/types.js';
import { KIND, ids, keys } from '../model/keys.js';
import type { AgentPool, ManagedCluster, Operation } from '../model/types.js';
import { checkSecurityUpdate, TRUSTED_LAUNCH_FEATURE } from '../rules/trusted-launch.js';
import { applyPoolUpdate, buildNewPool, poolConfig, type AgentPoolSpec } from './agent-pool-spec.js';
import { admit, checkPreconditions, clusterBusy, poolBusy, type Preconditions } from './busy.js';
import type { PlatformContext } from './context.js';
import type { StoredObject, WriteOp } from '../store/store.js';
import { OperationService } from './operations.js';
import { RegistrationService } from './registrations.js';

export function clusterNotFound(rg: string, name: string) {
  return notFound('ResourceNotFound', `The Resource 'Microsoft.ContainerService/managedClusters/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
}

export function poolNotFound(cluster: string, name: string) {
  return notFound('NotFound', `Agent pool '${name}' was not found in managed cluster '${cluster}'. Use 'az aks nodepool list' to see the node pools.`);
}

export class AgentPoolService {
  private readonly ops: OperationService;
  private readonly reg: RegistrationService;

  constructor(private readonly ctx: PlatformContext) {
    this.ops = new OperationService(ctx);
    this.reg = new RegistrationService(ctx);
  }

  async get(sub: string, rg: string, cluster: string, name: string): Promise<AgentPool> {
    const c = await this.ctx.store.get<ManagedCluster>(KIND.cluster, keys.cluster(sub, rg, cluster));
    if (!c) throw clusterNotFound(rg, cluster);
    const p = await this.ctx.store.get<AgentPool>(KIND.agentPool, keys.agentPool(c.key, name));
    if (!p) throw poolNotFound(c.value.name, name);
    return p.value;
  }

  async list(sub: string, rg: string, cluster: string): Promise<AgentPool[]> {
    const c = await this.ctx.store.get<ManagedCluster>(KIND.cluster, keys.cluster(sub, rg, cluster));
    if (!c) throw clusterNotFound(rg, cluster);
    const pools = await this.ctx.store.list<AgentPool>(KIND.agentPool, { prefix: `${c.key}/` });
    return pools.map((p) => p.value).sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
  }

  createOrUpdate(sub: string, rg: string, clusterName: string, name: string, spec: AgentPoolSpec, pre: Preconditions = {}): Promise<{ pool: AgentPool; created: boolean; operation: Operation }> {
    return admit(() => this.createOrUpdateOnce(sub, rg, clusterName, name, spec, pre));
  }

  private async createOrUpdateOnce(sub: string, rg: string, clusterName: string, name: string, spec: AgentPoolSpec, pre: Preconditions): Promise<{ pool: AgentPool; created: boolean; operation: Operation }> {
    // 1.
    const c = await this.ctx.store.get<ManagedCluster>(KIND.cluster, keys.cluster(sub, rg, clusterName));
    if (!c) throw clusterNotFound(rg, clusterName);
    const cluster = c.value;
    if (cluster.operationId) throw clusterBusy(cluster, cluster.operationId);
    const poolKey = keys.agentPool(c.key, name);
    const existing = await this.ctx.store.get<AgentPool>(KIND.agentPool, poolKey);
    if (existing?.value.operationId) throw poolBusy(existing.value);
    // 2.
    checkPreconditions(`agent pool ${name}`, existing?.value, pre);
    const gate = await this.reg.featureGate(sub, TRUSTED_LAUNCH_FEATURE.namespace, TRUSTED_LAUNCH_FEATURE.name);
    const now = this.ctx.clock.now();
    const resourceId = ids.agentPool(sub, cluster.resourceGroup, cluster.name, existing?.value.name ?? name);
    // 3.
    let pool: AgentPool;
    let action: Operation['action'];
    if (!existing) {
      const built = buildNewPool({ subscriptionId: sub, resourceGroup: cluster.resourceGroup, cluster, name, spec, defaultMode: 'User', gate, now, eTag: this.ctx.ids.uuid() });
      pool = await this.withImportedImage(built as AgentPool);
      action = 'Create';
    } else {
      const cur = existing.value;
      const { next, reimage, scale } = applyPoolUpdate(cur, spec);
      checkSecurityUpdate(poolConfig(next), cur.trustedLaunchImage, gate, cur.securityProfile);
      if (next.mode === 'User' && cur.mode === 'System') await this.requireAnotherSystemPool(c.key, cur.name);
      pool = { ...next, provisioningState: reimage ? 'Updating' : scale ? 'Scaling' : 'Updating', eTag: this.ctx.ids.uuid() };
      action = reimage ? 'Reimage' : scale ? 'Scale' : 'Update';
    }
    // 4.
    const { op, write } = this.ops.start(sub, cluster.location, resourceId, { kind: KIND.agentPool, key: poolKey }, action);
    pool = { ...pool, operationId: op.id };
    await this.ctx.store.commit([clusterGuard(c, !existing), { op: 'put', kind: KIND.agentPool, key: poolKey, value: pool, expectRev: existing?.rev ?? 0 }, write]);
    // 5.
    this.ctx.queue.enqueue(KIND.agentPool, poolKey);
    return { pool, created: !existing, operation: op };
  }

  delete(sub: string, rg: string, clusterName: string, name: string, pre: Preconditions = {}): Promise<Operation | undefined> {
    return admit(() => this.deleteOnce(sub, rg, clusterName, name, pre));
  }

  private async deleteOnce(sub: string, rg: string, clusterName: string, name: string, pre: Preconditions): Promise<Operation | undefined> {
    const c = await this.ctx.store.get<ManagedCluster>(KIND.cluster, keys.cluster(sub, rg, clusterName));
    if (!c) throw clusterNotFound(rg, clusterName);
    if (c.value.operationId) throw clusterBusy(c.value, c.value.operationId);
    const poolKey = keys.agentPool(c.key, name);
    const p = await this.ctx.store.get<AgentPool>(KIND.agentPool, poolKey);
    if (!p) return undefined; // ARM: DELETE of a missing resource is 204
    if (p.value.operationId) throw poolBusy(p.value);
    checkPreconditions(`agent pool ${name}`, p.value, pre);
    if (p.value.mode === 'System') await this.requireAnotherSystemPool(c.key, p.value.name);
    const { op, write } = this.ops.start(sub, c.value.location, ids.agentPool(sub, c.value.resourceGroup, c.value.name, p.value.name), { kind: KIND.agentPool, key: poolKey }, 'Delete');
    const next: AgentPool = { ...p.value, provisioningState: 'Deleting', deleting: true, operationId: op.id, eTag: this.ctx.ids.uuid() };
    await this.ctx.store.commit([clusterGuard(c, true), { op: 'put', kind: KIND.agentPool, key: poolKey, value: next, expectRev: p.rev }, write]);
    this.ctx.queue.enqueue(KIND.agentPool, poolKey);
    return op;
  }

  /**
   * A pool may boot an imported node image (issue 7: `tl image import`), named in
   * `creationData.sourceResourceId` as `/providers/TrustedLaunch.Platform/nodeImages/{name}`.
   * Imported boot chains are Trusted Launch images, so the pool's configuration must allow one.
   */
  private async withImportedImage(pool: AgentPool): Promise<AgentPool> {
    const source = (pool.extra.creationData as { sourceResourceId?: unknown } | undefined)?.sourceResourceId;
    const m = typeof source === 'string' ? source.match(/^\/providers\/TrustedLaunch\.Platform\/nodeImages\/([^/]+)$/i) : null;
    if (!m) return pool;
    const rec = await this.ctx.store.get<{ name: string }>(IMAGE_KIND, m[1]!.toLowerCase());
    if (!rec) throw notFound('ImageNotFound', `Node image '${m[1]}' was not found; import it first (tl image import).`);
    if (!pool.trustedLaunchImage) {
      throw invalid('TrustedLaunchIncompatibleWithConfig', `Node image '${rec.value.name}' is a Trusted Launch image, but this pool cannot run one: register the TrustedLaunchPreview feature (and the provider again) and use a Trusted Launch compatible configuration.`, 'creationData');
    }
    return { ...pool, nodeImageVersion: rec.value.name, importedImage: rec.value.name };
  }

  /** "A cluster must have at least one 'System' Agent Pool at all times" (AgentPoolMode, 2024-09-01). */
  private async requireAnotherSystemPool(clusterKey: string, leaving: string): Promise<void> {
    const pools = await this.ctx.store.list<AgentPool>(KIND.agentPool, { prefix: `${clusterKey}/` });
    if (!pools.some((p) => p.value.mode === 'System' && !p.value.deleting && p.value.name !== leaving)) {
      throw invalid(
        'InvalidParameter',
        `Node pool '${leaving}' is the cluster's last System node pool: a cluster must have at least one System agent pool at all times. Add another pool with mode System first (az aks nodepool add --mode System), or delete the cluster.`,
        'agentPoolProfile.mode',
      );
    }
  }
}

/**
 * The cluster had no operation running when a pool operation was admitted: the commit is guarded
 * on its revision (busy.ts admit()). Creating or deleting a pool changes the cluster's set of
 * pools (its agentPoolProfiles), so that commit also writes the cluster record, unchanged: a
 * cluster operation admitted meanwhile, which guarded the pools it saw, then loses its commit
 * instead of missing the new pool.
 */
function clusterGuard(c: StoredObject<ManagedCluster>, poolSetChanges: boolean): WriteOp {
  return poolSetChanges ? { op: 'put', kind: KIND.cluster, key: c.key, value: c.value, expectRev: c.rev } : { op: 'check', kind: KIND.cluster, key: c.key, expectRev: c.rev };
}
