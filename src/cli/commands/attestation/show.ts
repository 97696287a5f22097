/**
 * `tl attestation show --resource-group RG --cluster-name C --node VM [--refresh]`: a node's
 * latest attestation — status, findings (component, expected, actual), claims, the signed token —
 * and its history. `--refresh` attests the node now instead of waiting for the next period.
 */
import { ArmClient } from '../../client/arm.js';
import { RESOURCE_GROUP } from '../../framework/common-args.js';
import type { CommandSpec } from '../../framework/types.js';
import { CLUSTER, clusterPath, flatten, PLATFORM_API } from './_shared.js';

export const command: CommandSpec = {
  summary: "Show a node's guest attestation: status, findings, claims, token and history.",
  arm: true,
  args: [
    RESOURCE_GROUP,
    CLUSTER,
    { names: ['--node'], required: true, help: 'The node (VM computer name), as `kubectl get nodes` lists it.' },
    { names: ['--refresh'], kind: 'flag', help: 'Attest the node now (quote its vTPM with a fresh nonce) before showing the result.' },
  ],
  examples: [{ summary: "Show a node's attestation.", command: 'tl attestation show --resource-group myResourceGroup --cluster-name myAKSCluster --node aks-nodepool1-12345678-vmss000000' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const path = `${clusterPath(arm, a.resourceGroup as string, a.clusterName as string)}/providers/TrustedLaunch.Platform/attestations/${encodeURIComponent(a.node as string)}`;
    if (a.refresh) return flatten((await arm.send('POST', `${path}/attest`, { apiVersion: PLATFORM_API })).json);
    return flatten(await arm.get(path, PLATFORM_API));
  },
};
