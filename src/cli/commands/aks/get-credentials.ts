/**
 * `tl aks get-credentials`: POST listClusterUserCredential (or listClusterAdminCredential with
 * --admin), base64-decode kubeconfigs[0].value and merge it (aks/kubeconfig.ts).
 */
import { resolve } from 'node:path';
import { ArmClient } from '../../client/arm.js';
import { aksApiVersion, clusterPath } from '../../aks/api.js';
import { MANAGED_CLUSTER_NAME } from '../../aks/args.js';
import { defaultKubeconfigPath, mergeKubeconfig } from '../../aks/kubeconfig.js';
import { RESOURCE_GROUP } from '../../framework/common-args.js';
import { UserError } from '../../framework/errors.js';
import type { CommandSpec } from '../../framework/types.js';

export const command: CommandSpec = {
  summary: 'Get access credentials for a managed Kubernetes cluster.',
  long: 'By default, the credentials are merged into the .kube/config file so kubectl can use them. See -f parameter for details.',
  arm: true,
  alteredBy: 'aks-preview',
  args: [
    MANAGED_CLUSTER_NAME, RESOURCE_GROUP,
    { names: ['--admin', '-a'], kind: 'flag', help: 'Get cluster administrator credentials. Default: cluster user credentials.' },
    { names: ['--file', '-f'], help: 'Kubernetes configuration file to update. Use "-" to print YAML to stdout instead.', defaultText: '~/.kube/config' },
    { names: ['--overwrite-existing'], kind: 'flag', help: 'Overwrite any existing cluster entry with the same name.' },
    { names: ['--context'], help: 'If specified, overwrite the default context name. The `--admin` parameter takes precedence over `--context`.' },
    { names: ['--format'], choices: ['azure', 'exec'], help: 'Specify the format of the returned credential. Available values are ["exec", "azure"].' },
    { names: ['--public-fqdn'], kind: 'flag', help: 'Get private cluster credential with server address to be public fqdn.' },
  ],
  examples: [{ summary: 'Get access credentials for a managed Kubernetes cluster.', command: 'az aks get-credentials --resource-group myResourceGroup --name myAKSCluster' }],
  async run(ctx, a) {
    const api = aksApiVersion(ctx);
    const arm = await ArmClient.create(ctx);
    const verb = a.admin ? 'listClusterAdminCredential' : 'listClusterUserCredential';
    const r = await arm.send('POST', `${clusterPath(arm, a.resourceGroup as string, a.name as string)}/${verb}`, { apiVersion: api, ...(a.format ? { query: { format: a.format as string } } : {}) });
    const value = (r.json as { kubeconfigs?: { value?: string }[] } | undefined)?.kubeconfigs?.[0]?.value;
    if (!value) throw new UserError('CLIError', 'Fail to find kubeconfig file.');
    const kubeconfig = Buffer.from(value, 'base64').toString('utf8');
    const path = (a.file as string | undefined) ?? defaultKubeconfigPath(ctx);
    await mergeKubeconfig(ctx, path === '-' ? '-' : resolve(ctx.io.cwd, path.replace(/^~(?=\/)/, ctx.io.home)), kubeconfig, a.overwriteExisting === true, a.admin ? undefined : (a.context as string | undefined));
    return undefined;
  },
};
