/** `tl attestation policy show --resource-group RG --cluster-name C`. */
import { ArmClient } from '../../../client/arm.js';
import { RESOURCE_GROUP } from '../../../framework/common-args.js';
import type { CommandSpec } from '../../../framework/types.js';
import { CLUSTER, clusterPath, flatten, PLATFORM_API } from '../_shared.js';

export const command: CommandSpec = {
  summary: "Show a cluster's attestation policy, its hash (the tokens' x-ms-policy-hash) and the quarantine setting.",
  arm: true,
  args: [RESOURCE_GROUP, CLUSTER],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    return flatten(await arm.get(`${clusterPath(arm, a.resourceGroup as string, a.clusterName as string)}/providers/TrustedLaunch.Platform/attestationPolicies/default`, PLATFORM_API));
  },
};
