/** `tl aks delete` (confirmation unless --yes). */
import { ArmClient } from '../../client/arm.js';
import { longRunning } from '../../client/long-running.js';
import { aksApiVersion, clusterPath } from '../../aks/api.js';
import { MANAGED_CLUSTER_NAME } from '../../aks/args.js';
import { NO_WAIT, RESOURCE_GROUP, YES } from '../../framework/common-args.js';
import { confirm } from '../../framework/prompt.js';
import type { CommandSpec } from '../../framework/types.js';

export const command: CommandSpec = {
  summary: 'Delete a managed Kubernetes cluster.',
  arm: true,
  alteredBy: 'aks-preview',
  args: [MANAGED_CLUSTER_NAME, RESOURCE_GROUP, NO_WAIT, YES],
  examples: [{ summary: 'Delete a managed Kubernetes cluster without a prompt.', command: 'az aks delete -g MyResourceGroup -n MyManagedCluster --yes' }],
  async run(ctx, a) {
    if (!a.yes && !(await confirm(ctx))) return undefined;
    const api = aksApiVersion(ctx);
    const arm = await ArmClient.create(ctx);
    const r = await arm.send('DELETE', clusterPath(arm, a.resourceGroup as string, a.name as string), { apiVersion: api });
    await longRunning(ctx, arm, r, { noWait: a.noWait === true, apiVersion: api });
    return undefined;
  },
};
