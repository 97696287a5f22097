/** `tl aks nodepool delete` (aks_agentpool_delete: checks the pool exists first). */
import { ArmClient } from '../../../client/arm.js';
import { longRunning } from '../../../client/long-running.js';
import { aksApiVersion, poolPath, poolsPath } from '../../../aks/api.js';
import { CLUSTER_NAME, NODEPOOL_NAME } from '../../../aks/args.js';
import { NO_WAIT, RESOURCE_GROUP } from '../../../framework/common-args.js';
import { UserError } from '../../../framework/errors.js';
import type { CommandSpec } from '../../../framework/types.js';

export const command: CommandSpec = {
  summary: 'Delete the agent pool in the managed Kubernetes cluster.',
  arm: true,
  alteredBy: 'aks-preview',
  args: [
    CLUSTER_NAME, NODEPOOL_NAME, RESOURCE_GROUP, NO_WAIT,
    { names: ['--ignore-pod-disruption-budget'], kind: 'flag', help: 'Delete an AKS nodepool by ignoring PodDisruptionBudget setting.' },
  ],
  examples: [{ summary: 'Delete an agent pool.', command: 'az aks nodepool delete --resource-group myResourceGroup --cluster-name myAKSCluster --name mynodepool' }],
  async run(ctx, a) {
    const rg = a.resourceGroup as string;
    const cluster = a.clusterName as string;
    const name = a.nodepoolName as string;
    const api = aksApiVersion(ctx);
    const arm = await ArmClient.create(ctx);
    const pools = ((await arm.get(poolsPath(arm, rg, cluster), api)).value ?? []) as { name: string }[];
    if (!pools.some((p) => p.name.toLowerCase() === name.toLowerCase())) {
      throw new UserError('InvalidArgumentValueError', `Node pool ${name} doesnt exist, use 'aks nodepool list' to get current node pool list`);
    }
    const r = await arm.send('DELETE', poolPath(arm, rg, cluster, name), { apiVersion: api, ...(a.ignorePodDisruptionBudget ? { query: { 'ignore-pod-disruption-budget': 'true' } } : {}) });
    await longRunning(ctx, arm, r, { noWait: a.noWait === true, apiVersion: api });
    return undefined;
  },
};
