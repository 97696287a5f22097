/** `tl aks nodepool list`. */
import { ArmClient } from '../../../client/arm.js';
import { aksApiVersion, poolsPath } from '../../../aks/api.js';
import { CLUSTER_NAME } from '../../../aks/args.js';
import { poolRow } from '../../../aks/tables.js';
import { RESOURCE_GROUP } from '../../../framework/common-args.js';
import type { CommandSpec } from '../../../framework/types.js';
import { agentPoolOut } from '../../../output/models.js';

export const command: CommandSpec = {
  summary: 'List node pools in the managed Kubernetes cluster.',
  arm: true,
  alteredBy: 'aks-preview',
  args: [CLUSTER_NAME, RESOURCE_GROUP],
  table: (r) => (r as unknown[]).map(poolRow),
  examples: [{ summary: 'List node pools in a managed Kubernetes cluster.', command: 'az aks nodepool list --resource-group myResourceGroup --cluster-name myAKSCluster -o table' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    return ((await arm.get(poolsPath(arm, a.resourceGroup as string, a.clusterName as string), aksApiVersion(ctx))).value ?? []).map(agentPoolOut);
  },
};
