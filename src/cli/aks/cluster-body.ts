/**
 * The ManagedCluster body of `aks create` (azure-cli acs `managed_cluster_decorator.py`, with
 * aks-preview's Trusted Launch switches applied to the default node pool): location from the
 * resource group, DNS prefix `{name[:10]}-{rg[:16]}-{sub[:6]}`, a system-assigned identity, one
 * System node pool (`nodepool1` unless --nodepool-name), the SSH key under linuxProfile.
 */
import type { Args } from '../framework/types.js';
import { poolProperties } from './agent-pool-body.js';

/** az's `_get_default_dns_prefix` (reference/aks-api.md §3.3b). */
export function defaultDnsPrefix(name: string, rg: string, subscriptionId: string): string {
  let namePart = name.replace(/[^A-Za-z0-9-]/g, '').slice(0, 10);
  if (!/^[A-Za-z]/.test(namePart)) namePart = `a${namePart}`.slice(0, 10);
  const rgPart = rg.replace(/[^A-Za-z0-9-]/g, '').slice(0, 16);
  return `${namePart}-${rgPart}-${subscriptionId.slice(0, 6)}`;
}

export function clusterBody(a: Args, o: { location: string; subscriptionId: string; apiVersion: string; sshKey: string | undefined; tags: Record<string, string> | undefined }): Record<string, unknown> {
  const pool = {
    name: (a.nodepoolName as string | undefined) || 'nodepool1',
    ...poolProperties(a, { apiVersion: o.apiVersion, defaultMode: 'System', labelsKey: 'nodepoolLabels', taintsKey: 'nodepoolTaints' }),
  };
  const network = a.networkPlugin ? { networkPlugin: a.networkPlugin } : undefined;
  return {
    location: o.location,
    ...(o.tags ? { tags: o.tags } : {}),
    sku: { name: 'Base', tier: ((a.tier as string | undefined) ?? 'free').replace(/^./, (c) => c.toUpperCase()) },
    identity: { type: 'SystemAssigned' },
    properties: {
      ...(a.kubernetesVersion ? { kubernetesVersion: a.kubernetesVersion } : {}),
      dnsPrefix: (a.dnsNamePrefix as string | undefined) ?? defaultDnsPrefix(a.name as string, a.resourceGroup as string, o.subscriptionId),
      agentPoolProfiles: [pool],
      ...(o.sshKey ? { linuxProfile: { adminUsername: (a.adminUsername as string | undefined) ?? 'azureuser', ssh: { publicKeys: [{ keyData: o.sshKey }] } } } : {}),
      enableRBAC: a.disableRbac !== true,
      ...(network ? { networkProfile: network } : {}),
      ...(a.nodeResourceGroup ? { nodeResourceGroup: a.nodeResourceGroup } : {}),
    },
  };
}
