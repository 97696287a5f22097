/** `tl aks show`. */
import { ArmClient } from '../../client/arm.js';
import { aksApiVersion, clusterPath } from '../../aks/api.js';
import { MANAGED_CLUSTER_NAME } from '../../aks/args.js';
import { clusterRow } from '../../aks/tables.js';
import { RESOURCE_GROUP } from '../../framework/common-args.js';
import type { CommandSpec } from '../../framework/types.js';
import { clusterOut } from '../../output/models.js';

export const command: CommandSpec = {
  summary: 'Show the details for a managed Kubernetes cluster.',
  arm: true,
  alteredBy: 'aks-preview',
  args: [MANAGED_CLUSTER_NAME, RESOURCE_GROUP],
  table: (r) => [clusterRow(r)],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    return clusterOut(await arm.get(clusterPath(arm, a.resourceGroup as string, a.name as string), aksApiVersion(ctx)));
  },
};
