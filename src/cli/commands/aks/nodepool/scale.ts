/** `tl aks nodepool scale` (aks_agentpool_scale). */
import { ArmClient } from '../../../client/arm.js';
import { longRunning } from '../../../client/long-running.js';
import { aksApiVersion, poolPath } from '../../../aks/api.js';
import { writableProperties } from '../../../aks/agent-pool-body.js';
import { CLUSTER_NAME, NODEPOOL_NAME } from '../../../aks/args.js';
import { NO_WAIT, RESOURCE_GROUP } from '../../../framework/common-args.js';
import { UserError } from '../../../framework/errors.js';
import type { CommandSpec } from '../../../framework/types.js';
import { agentPoolOut } from '../../../output/models.js';

export const command: CommandSpec = {
  summary: 'Scale the node pool in a managed Kubernetes cluster.',
  arm: true,
  alteredBy: 'aks-preview',
  args: [CLUSTER_NAME, NODEPOOL_NAME, RESOURCE_GROUP, { names: ['--node-count', '-c'], type: 'int', help: 'Number of nodes in the Kubernetes node pool.', defaultText: '3' }, NO_WAIT],
  async run(ctx, a) {
    const api = aksApiVersion(ctx);
    const arm = await ArmClient.create(ctx);
    const url = poolPath(arm, a.resourceGroup as string, a.clusterName as string, a.nodepoolName as string);
    const pool = (await arm.get(url, api)) as { properties: Record<string, unknown> };
    const count = (a.nodeCount as number | undefined) ?? 3;
    if (pool.properties.enableAutoScaling) throw new UserError('CLIError', 'Cannot scale cluster autoscaler enabled node pool.');
    if (pool.properties.count === count) throw new UserError('CLIError', 'The new node count is the same as the current node count.');
    const r = await arm.send('PUT', url, { apiVersion: api, body: { properties: { ...writableProperties(pool.properties), count } } });
    const out = await longRunning(ctx, arm, r, { noWait: a.noWait === true, resourceUrl: url, apiVersion: api });
    return out === undefined ? undefined : agentPoolOut(out);
  },
};
