/** `tl attestation list --resource-group RG --cluster-name C`: each node's latest attestation. */
import { ArmClient } from '../../client/arm.js';
import { RESOURCE_GROUP } from '../../framework/common-args.js';
import type { CommandSpec } from '../../framework/types.js';
import { attestationRow, CLUSTER, clusterPath, flatten, PLATFORM_API } from './_shared.js';

export const command: CommandSpec = {
  summary: "List the latest guest attestation result of each node of a cluster.",
  arm: true,
  args: [RESOURCE_GROUP, CLUSTER],
  table: (r) => (r as unknown[]).map(attestationRow),
  examples: [{ summary: 'Show which nodes attest Healthy.', command: 'tl attestation list --resource-group myResourceGroup --cluster-name myAKSCluster -o table' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const r = await arm.get(`${clusterPath(arm, a.resourceGroup as string, a.clusterName as string)}/providers/TrustedLaunch.Platform/attestations`, PLATFORM_API);
    return ((r.value ?? []) as unknown[]).map(flatten);
  },
};
