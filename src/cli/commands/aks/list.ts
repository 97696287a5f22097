/** `tl aks list [-g]`. */
import { ArmClient } from '../../client/arm.js';
import { aksApiVersion } from '../../aks/api.js';
import { clusterRow } from '../../aks/tables.js';
import type { CommandSpec } from '../../framework/types.js';
import { clusterOut } from '../../output/models.js';

export const command: CommandSpec = {
  summary: 'List managed Kubernetes clusters.',
  arm: true,
  alteredBy: 'aks-preview',
  args: [{ names: ['--resource-group', '-g'], help: 'Name of resource group. You can configure the default group using `az configure --defaults group=<name>`.' }],
  table: (r) => (r as unknown[]).map(clusterRow),
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const rg = a.resourceGroup as string | undefined;
    const path = rg ? arm.sub(`/resourceGroups/${encodeURIComponent(rg)}/providers/Microsoft.ContainerService/managedClusters`) : arm.sub('/providers/Microsoft.ContainerService/managedClusters');
    return ((await arm.get(path, aksApiVersion(ctx))).value ?? []).map(clusterOut);
  },
};
