/** `tl aks nodepool show`. */
import { ArmClient } from '../../../client/arm.js';
import { aksApiVersion, poolPath } from '../../../aks/api.js';
import { CLUSTER_NAME, NODEPOOL_NAME } from '../../../aks/args.js';
import { poolRow } from '../../../aks/tables.js';
import { RESOURCE_GROUP } from '../../../framework/common-args.js';
import type { CommandSpec } from '../../../framework/types.js';
import { agentPoolOut } from '../../../output/models.js';

export const command: CommandSpec = {
  summary: 'Show the details for a node pool in the managed Kubernetes cluster.',
  arm: true,
  alteredBy: 'aks-preview',
  args: [CLUSTER_NAME, NODEPOOL_NAME, RESOURCE_GROUP],
  table: (r) => [poolRow(r)],
  examples: [{ summary: 'Show the details for a node pool in a managed Kubernetes cluster.', command: 'az aks nodepool show --resource-group myResourceGroup --cluster-name myAKSCluster --name mynodepool' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    return agentPoolOut(await arm.get(poolPath(arm, a.resourceGroup as string, a.clusterName as string, a.nodepoolName as string), aksApiVersion(ctx)));
  },
};
