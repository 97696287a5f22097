/**
 * `tl vm list --resource-group MC_… [--show-details]`: every VM of every scale set in the group
 * (az's `vm list` view of a node resource group), sorted by name; `-o table` as azure-cli's
 * transform_vm (Name, ResourceGroup, [PowerState,] Location, Zones).
 */
import { ArmClient } from '../../client/arm.js';
import { API } from '../../client/versions.js';
import type { CommandSpec } from '../../framework/types.js';
import { SHOW_DETAILS, VM_RESOURCE_GROUP, scaleSetsPath, vmOut, vmRow } from './_vm.js';

export const command: CommandSpec = {
  summary: 'List details of Virtual Machines.',
  arm: true,
  args: [VM_RESOURCE_GROUP, SHOW_DETAILS],
  examples: [
    { summary: "List the nodes' VMs of a cluster.", command: 'az vm list --resource-group MC_myResourceGroup_myAKSCluster_eastus -o table' },
    { summary: 'Show the power state of each VM.', command: 'az vm list -g MC_myResourceGroup_myAKSCluster_eastus -d --query "[].{name:name, power:powerState}" -o tsv' },
  ],
  table: (result) => (result as unknown[]).map(vmRow),
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const rg = a.resourceGroup as string;
    const details = a.showDetails === true;
    const sets = ((await arm.get(scaleSetsPath(arm, rg), API.compute)).value ?? []) as { name: string }[];
    const lists = await Promise.all(
      sets.map(async (s) => ((await arm.get(`${scaleSetsPath(arm, rg)}/${encodeURIComponent(s.name)}/virtualMachines`, API.compute, details ? { $expand: 'instanceView' } : undefined)).value ?? []) as Record<string, unknown>[]),
    );
    return lists
      .flat()
      .map((v) => vmOut(v, { details }))
      .sort((x, y) => String(x.name).localeCompare(String(y.name)));
  },
};
