/**
 * `tl aks nodepool add`: PUT …/agentPools/{name} and wait (aks_agentpool_add).
 * Steps: validate the name client-side as az does; refuse a name already in the cluster
 * (az lists the pools first); build the properties; PUT; wait; print the pool.
 */
import { ArmClient } from '../../../client/arm.js';
import { longRunning } from '../../../client/long-running.js';
import { aksApiVersion, poolPath, poolsPath } from '../../../aks/api.js';
import * as A from '../../../aks/args.js';
import { poolProperties } from '../../../aks/agent-pool-body.js';
import { validateNodepoolName } from '../../../aks/validators.js';
import { NO_WAIT, parseTags, RESOURCE_GROUP } from '../../../framework/common-args.js';
import { UserError } from '../../../framework/errors.js';
import type { ArgSpec, CommandSpec } from '../../../framework/types.js';
import { agentPoolOut } from '../../../output/models.js';

/** Run the pool on a node image imported with `tl image import` (creationData.sourceResourceId, as az's --snapshot-id sets it). */
const NODE_IMAGE: ArgSpec = {
  names: ['--node-image'],
  help: 'Name of a node image (`az image list`) the nodes boot, e.g. a real boot chain imported with `az image import`.',
};

export const command: CommandSpec = {
  summary: 'Add a node pool to the managed Kubernetes cluster.',
  arm: true,
  alteredBy: 'aks-preview',
  args: [
    A.CLUSTER_NAME, A.NODEPOOL_NAME, RESOURCE_GROUP, ...A.POOL_CONFIG_ARGS, A.MODE, A.LABELS, A.NODE_TAINTS, A.MAX_SURGE, A.NODEPOOL_TAGS, NO_WAIT,
    A.ENABLE_SECURE_BOOT_POOL, A.ENABLE_VTPM_POOL, A.SKIP_GPU_DRIVER, A.GPU_DRIVER, NODE_IMAGE,
  ],
  examples: [
    { summary: 'Create a nodepool in an existing AKS cluster with ephemeral os enabled.', command: 'az aks nodepool add -g MyResourceGroup -n nodepool1 --cluster-name MyManagedCluster --node-osdisk-type Ephemeral --node-osdisk-size 48' },
    { summary: 'Add a node pool with Trusted Launch (vTPM and Secure Boot; needs the aks-preview extension).', command: 'az aks nodepool add --resource-group myResourceGroup --cluster-name myAKSCluster --name mynodepool --node-count 3 --enable-vtpm --enable-secure-boot', extension: 'aks-preview' },
    { summary: "Add a Trusted Launch pool that boots an imported node image (see 'az image import').", command: 'az aks nodepool add -g myResourceGroup --cluster-name myAKSCluster -n debian --node-count 2 --enable-vtpm --enable-secure-boot --node-image debian12', extension: 'aks-preview' },
  ],
  async run(ctx, a) {
    const rg = a.resourceGroup as string;
    const cluster = a.clusterName as string;
    const name = a.nodepoolName as string;
    validateNodepoolName(name);
    const api = aksApiVersion(ctx);
    const props = poolProperties(a, { apiVersion: api, defaultMode: 'User' });
    if (a.nodeImage !== undefined) props.creationData = { sourceResourceId: `/providers/TrustedLaunch.Platform/nodeImages/${a.nodeImage as string}` };
    const arm = await ArmClient.create(ctx);
    const existing = ((await arm.get(poolsPath(arm, rg, cluster), api)).value ?? []) as { name: string }[];
    if (existing.some((p) => p.name === name)) {
      throw new UserError('InvalidArgumentValueError', `Node pool ${name} already exists, please try a different name, use 'aks nodepool list' to get current list of node pool`);
    }
    const tags = parseTags(a.tags as string[] | undefined);
    const url = poolPath(arm, rg, cluster, name);
    const r = await arm.send('PUT', url, { apiVersion: api, body: { properties: { ...props, ...(tags ? { tags } : {}) } } });
    const pool = await longRunning(ctx, arm, r, { noWait: a.noWait === true, resourceUrl: url, apiVersion: api });
    return pool === undefined ? undefined : agentPoolOut(pool);
  },
};
