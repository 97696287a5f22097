/**
 * Resource groups (Microsoft.Resources). Deleting a group deletes what is in it (its clusters,
 * which take their node resource groups with them) as a long-running operation. A cluster's
 * node resource group (MC_…) is managed by the cluster and cannot be deleted on its own.
 */
import { DomainError, invalid, notFound } from '../errors.js';
import { KIND, ids, keys } from '../model/keys.js';
import type { ManagedCluster, Operation, ResourceGroup } from '../model/types.js';
import { put } from '../store/store.js';
import type { PlatformContext } from './context.js';
import { OperationService } from './operations.js';

export const resourceGroupNotFound = (rg: string) => notFound('ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);

const RG_NAME = /^[-\w._()]{1,90}$/u;

export class ResourceGroupService {
  private readonly ops: OperationService;

  constructor(private readonly ctx: PlatformContext) {
    this.ops = new OperationService(ctx);
  }

  async createOrUpdate(sub: string, name: string, location: string, tags: Record<string, string> = {}): Promise<{ group: ResourceGroup; created: boolean }> {
    if (!RG_NAME.test(name) || name.endsWith('.')) {
      throw invalid('InvalidResourceGroupName', `Resource group name '${name}' is invalid: use 1-90 letters, digits, underscores, hyphens, periods (not at the end) and parentheses.`, 'resourceGroupName');
    }
    const key = keys.resourceGroup(sub, name);
    const cur = await this.ctx.store.get<ResourceGroup>(KIND.resourceGroup, key);
    const loc = location.toLowerCase().replace(/\s/g, '');
    if (cur) {
      if (cur.value.provisioningState === 'Deleting') throw new DomainError('Conflict', 'ResourceGroupBeingDeleted', `The resource group '${cur.value.name}' is in deprovisioning state and cannot perform this operation.`);
      if (cur.value.location !== loc) {
        throw invalid('InvalidResourceGroupLocation', `Invalid resource group location '${location}'. The Resource group already exists in location '${cur.value.location}'.`, 'location');
      }
      const group = { ...cur.value, tags: { ...tags } };
      await put(this.ctx.store, KIND.resourceGroup, key, group, cur.rev);
      return { group, created: false };
    }
    if (!this.ctx.locations.includes(loc)) {
      throw invalid('LocationNotAvailableForResourceGroup', `The provided location '${location}' is not available for resource group. List of available regions is '${this.ctx.locations.join(',')}'.`, 'location');
    }
    const group: ResourceGroup = { subscriptionId: sub, name, location: loc, tags: { ...tags }, provisioningState: 'Succeeded' };
    await put(this.ctx.store, KIND.resourceGroup, key, group, 0);
    return { group, created: true };
  }

  async get(sub: string, name: string): Promise<ResourceGroup> {
    const g = await this.ctx.store.get<ResourceGroup>(KIND.resourceGroup, keys.resourceGroup(sub, name));
    if (!g) throw resourceGroupNotFound(name);
    return g.value;
  }

  async list(sub: string): Promise<ResourceGroup[]> {
    return (await this.ctx.store.list<ResourceGroup>(KIND.resourceGroup, { prefix: `${sub.toLowerCase()}/` })).map((g) => g.value);
  }

  async delete(sub: string, name: string): Promise<Operation | undefined> {
    const key = keys.resourceGroup(sub, name);
    const g = await this.ctx.store.get<ResourceGroup>(KIND.resourceGroup, key);
    if (!g) return undefined;
    if (g.value.managedBy) {
      throw new DomainError(
        'Conflict',
        'ResourceGroupManagedByCluster',
        `The resource group '${g.value.name}' is managed by ${g.value.managedBy} and is deleted with it. Delete the cluster instead (az aks delete).`,
      );
    }
    if (g.value.operationId) return this.ops.get(sub, g.value.operationId);
    const { op, write } = this.ops.start(sub, g.value.location, ids.resourceGroup(sub, g.value.name), { kind: KIND.resourceGroup, key }, 'Delete');
    await this.ctx.store.commit([{ op: 'put', kind: KIND.resourceGroup, key, value: { ...g.value, provisioningState: 'Deleting', operationId: op.id }, expectRev: g.rev }, write]);
    this.ctx.queue.enqueue(KIND.resourceGroup, key);
    return op;
  }

  /** Clusters in a group, for the delete reconciler. */
  async clustersIn(sub: string, name: string): Promise<{ key: string; rev: number; value: ManagedCluster }[]> {
    return this.ctx.store.list<ManagedCluster>(KIND.cluster, { prefix: `${keys.resourceGroup(sub, name)}/` });
  }
}
