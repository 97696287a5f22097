/** `tl vm show --resource-group MC_… --name NODE [--show-details]`: one VM (with -d its instance view and power state). */
import { ArmClient } from '../../client/arm.js';
import { API } from '../../client/versions.js';
import type { CommandSpec } from '../../framework/types.js';
import { onVm, SHOW_DETAILS, VM_NAME, VM_RESOURCE_GROUP, vmOut, vmPath, vmRow } from './_vm.js';

export const command: CommandSpec = {
  summary: 'Get the details of a virtual machine.',
  arm: true,
  args: [VM_RESOURCE_GROUP, VM_NAME, SHOW_DETAILS],
  examples: [
    { summary: "Show a node's VM with its power state and boot status.", command: 'az vm show -g MC_myResourceGroup_myAKSCluster_eastus -n aks-nodepool1-12345678-vmss000000 -d' },
    { summary: 'Its Trusted Launch settings.', command: 'az vm show -g MC_myResourceGroup_myAKSCluster_eastus -n aks-nodepool1-12345678-vmss000000 --query securityProfile' },
  ],
  table: vmRow,
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const rg = a.resourceGroup as string;
    const name = a.name as string;
    const details = a.showDetails === true;
    const wire = await onVm(rg, name, () => arm.get(vmPath(arm, rg, name), API.compute, details ? { $expand: 'instanceView' } : undefined));
    return vmOut(wire as Record<string, unknown>, { details });
  },
};
