/**
 * `tl aks create`: PUT …/managedClusters/{name} and wait (aks_create).
 * Steps: validate the node pool name; location from the resource group when not given; the
 * SSH key (file, generated, or none); the body; PUT; wait (`- Running ..`); print the cluster.
 */
import { ArmClient } from '../../client/arm.js';
import { longRunning } from '../../client/long-running.js';
import { API } from '../../client/versions.js';
import { aksApiVersion, clusterPath } from '../../aks/api.js';
import * as A from '../../aks/args.js';
import { clusterBody } from '../../aks/cluster-body.js';
import { sshPublicKey } from '../../aks/ssh-keys.js';
import { validateNodepoolName } from '../../aks/validators.js';
import { ArmError, UserError } from '../../framework/errors.js';
import { LOCATION, NO_WAIT, parseTags, RESOURCE_GROUP, TAGS, YES } from '../../framework/common-args.js';
import type { CommandSpec } from '../../framework/types.js';
import { clusterOut } from '../../output/models.js';

export const command: CommandSpec = {
  summary: 'Create a new managed Kubernetes cluster.',
  arm: true,
  alteredBy: 'aks-preview',
  args: [
    A.MANAGED_CLUSTER_NAME, RESOURCE_GROUP, LOCATION, ...A.POOL_CONFIG_ARGS,
    { names: ['--nodepool-name'], help: 'Node pool name, up to 12 alphanumeric characters.', defaultText: 'nodepool1' },
    { names: ['--nodepool-labels'], kind: 'list', help: 'The node labels for all node pools in this cluster. See https://aka.ms/node-labels for syntax of labels.' },
    { names: ['--nodepool-taints'], help: 'The node taints for all node pools in this cluster.' },
    { names: ['--dns-name-prefix', '-p'], help: 'Prefix for hostnames that are created. If not specified, generate a hostname using the managed cluster and resource group names.' },
    { names: ['--enable-managed-identity'], kind: 'flag', help: 'Using a system assigned managed identity to manage cluster resource group. You can explicitly specify "--service-principal" and "--client-secret" to disable managed identity, otherwise it will be enabled.' },
    { names: ['--generate-ssh-keys'], kind: 'flag', help: 'Generate SSH public and private key files if missing. The keys will be stored in the ~/.ssh directory.' },
    { names: ['--ssh-key-value'], help: 'Public key path or key contents to install on node VMs for SSH access. For example, \'ssh-rsa AAAAB...snip...UcyupgH azureuser@linuxvm\'.', defaultText: '~/.ssh/id_rsa.pub' },
    { names: ['--no-ssh-key', '-x'], kind: 'flag', help: 'Do not use or create a local SSH key.' },
    { names: ['--admin-username', '-u'], help: 'User account to create on node VMs for SSH access.', defaultText: 'azureuser' },
    { names: ['--tier'], choices: ['free', 'premium', 'standard'], help: 'Specify SKU tier for managed clusters.' },
    { names: ['--network-plugin'], choices: ['azure', 'kubenet', 'none'], help: 'The Kubernetes network plugin to use.' },
    { names: ['--node-resource-group'], help: 'The node resource group is the resource group where all customer\'s resources will be created in, such as virtual machines.' },
    { names: ['--disable-rbac'], kind: 'flag', help: 'Disable Kubernetes Role-Based Access Control.' },
    TAGS, NO_WAIT, YES,
    A.ENABLE_SECURE_BOOT_CLUSTER, A.ENABLE_VTPM_CLUSTER, A.SKIP_GPU_DRIVER, A.GPU_DRIVER,
  ],
  examples: [
    { summary: 'Create a Kubernetes cluster with an existing SSH public key.', command: 'az aks create -g MyResourceGroup -n MyManagedCluster --ssh-key-value /path/to/publickey' },
    { summary: 'Create a cluster with Trusted Launch: Secure Boot and vTPM on its nodes (needs aks-preview).', command: 'az aks create --name myAKSCluster --resource-group myResourceGroup --node-count 1 --enable-secure-boot --enable-vtpm --enable-managed-identity --generate-ssh-keys', extension: 'aks-preview' },
  ],
  async run(ctx, a) {
    validateNodepoolName((a.nodepoolName as string | undefined) ?? '');
    const api = aksApiVersion(ctx);
    const arm = await ArmClient.create(ctx);
    const rg = a.resourceGroup as string;
    const location = (a.location as string | undefined) ?? ((await arm.get(arm.sub(`/resourcegroups/${encodeURIComponent(rg)}`), API.resources)) as { location: string }).location;
    const url = clusterPath(arm, rg, a.name as string);
    // az checks first, so that create never silently updates (aks_create's existing-cluster check)
    const existing = await arm.get(url, api).catch((e: unknown) => {
      if (e instanceof ArmError && e.status === 404) return undefined;
      throw e;
    });
    if (existing) {
      throw new UserError(
        'ClientRequestError',
        `The cluster '${a.name as string}' under resource group '${rg}' already exists. Please use command '${ctx.prog} aks update' to update the existing cluster, or select a different cluster name to create a new cluster.`,
      );
    }
    const sshKey = sshPublicKey(ctx, { ...(a.sshKeyValue ? { value: a.sshKeyValue as string } : {}), generate: a.generateSshKeys === true, none: a.noSshKey === true });
    const body = clusterBody(a, { location, subscriptionId: arm.subscriptionId, apiVersion: api, sshKey, tags: parseTags(a.tags as string[] | undefined) });
    const r = await arm.send('PUT', url, { apiVersion: api, body });
    const mc = await longRunning(ctx, arm, r, { noWait: a.noWait === true, resourceUrl: url, apiVersion: api });
    return mc === undefined ? undefined : clusterOut(mc);
  },
};
