/** Read-only views of the scale sets and VMs behind agent pools (Microsoft.Compute). */
import { imageNameOf } from '../boot/service.js';
import { notFound } from '../errors.js';
import { IMAGE_KIND, type NodeImage } from '../images/types.js';
import { KIND, keys, parseComputerName } from '../model/keys.js';
import type { AgentPool, ResourceGroup, ScaleSet, VirtualMachine } from '../model/types.js';
import type { PlatformContext } from './context.js';
import { resourceGroupNotFound } from './resource-groups.js';

export interface ScaleSetView {
  readonly scaleSet: ScaleSet;
  readonly pool: AgentPool | undefined;
  readonly capacity: number;
}

export class ComputeService {
  constructor(private readonly ctx: PlatformContext) {}

  private async requireGroup(sub: string, rg: string): Promise<ResourceGroup> {
    const g = await this.ctx.store.get<ResourceGroup>(KIND.resourceGroup, keys.resourceGroup(sub, rg));
    if (!g) throw resourceGroupNotFound(rg);
    return g.value;
  }

  async listScaleSets(sub: string, rg: string): Promise<ScaleSetView[]> {
    await this.requireGroup(sub, rg);
    const sets = await this.ctx.store.list<ScaleSet>(KIND.scaleSet, { prefix: `${keys.resourceGroup(sub, rg)}/` });
    return Promise.all(sets.map((s) => this.view(s.key, s.value)));
  }

  async getScaleSet(sub: string, rg: string, name: string): Promise<ScaleSetView> {
    await this.requireGroup(sub, rg);
    const key = keys.scaleSet(sub, rg, name);
    const s = await this.ctx.store.get<ScaleSet>(KIND.scaleSet, key);
    if (!s) throw notFound('ResourceNotFound', `The Resource 'Microsoft.Compute/virtualMachineScaleSets/${name}' under resource group '${rg}' was not found.`);
    return this.view(key, s.value);
  }

  private async view(key: string, scaleSet: ScaleSet): Promise<ScaleSetView> {
    const pool = (await this.ctx.store.get<AgentPool>(KIND.agentPool, scaleSet.poolKey))?.value;
    return { scaleSet, pool, capacity: await this.ctx.store.count(KIND.vm, `${key}/`) };
  }

  /**
   * The guest OS a pool's VMs run, as the VM agent reports it in the instance view (`osName` the
   * distribution's lowercase id, `osVersion` its release): the node image's — Ubuntu 22.04 for the
   * platform's, Debian 12 for an imported Debian chain.
   */
  async guestOs(pool: AgentPool | undefined): Promise<{ name: string; version: string } | undefined> {
    if (!pool) return undefined;
    const image = (await this.ctx.store.get<NodeImage>(IMAGE_KIND, imageNameOf(pool).toLowerCase()))?.value;
    return image ? { name: image.osDistro.toLowerCase(), version: image.osVersion } : undefined;
  }

  async listVms(sub: string, rg: string, scaleSet: string): Promise<VirtualMachine[]> {
    await this.getScaleSet(sub, rg, scaleSet);
    return (await this.ctx.store.list<VirtualMachine>(KIND.vm, { prefix: `${keys.scaleSet(sub, rg, scaleSet)}/` })).map((v) => v.value);
  }

  /** All VMs of a resource group (the `az vm list -g MC_…` view). */
  async listVmsInGroup(sub: string, rg: string): Promise<VirtualMachine[]> {
    await this.requireGroup(sub, rg);
    return (await this.ctx.store.list<VirtualMachine>(KIND.vm, { prefix: `${keys.resourceGroup(sub, rg)}/` })).map((v) => v.value);
  }

  async getVm(sub: string, rg: string, scaleSet: string, instanceId: number): Promise<VirtualMachine> {
    const v = await this.ctx.store.get<VirtualMachine>(KIND.vm, keys.vm(keys.scaleSet(sub, rg, scaleSet), instanceId));
    if (!v) throw notFound('ResourceNotFound', `The Resource 'Microsoft.Compute/virtualMachineScaleSets/${scaleSet}/virtualMachines/${instanceId}' under resource group '${rg}' was not found.`);
    return v.value;
  }

  /** A VM by its computer name (the Kubernetes node name, `aks-pool-12345678-vmss000000`). */
  async getVmByName(sub: string, rg: string, name: string): Promise<VirtualMachine> {
    const parsed = parseComputerName(name);
    if (!parsed) throw notFound('ResourceNotFound', `The Resource 'Microsoft.Compute/virtualMachines/${name}' under resource group '${rg}' was not found.`);
    return this.getVm(sub, rg, parsed.vmssName, parsed.instanceId);
  }
}
