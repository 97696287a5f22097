/**
 * Store keys and ARM resource IDs. ARM names are case-insensitive but case-preserving
 * (`myResourceGroup` and `MYRESOURCEGROUP` are the same group), so keys are lower-cased while
 * records keep the name as the user wrote it.
 */

export const KIND = {
  subscription: 'subscription',
  principal: 'principal',
  resourceGroup: 'resourceGroup',
  provider: 'provider',
  feature: 'feature',
  cluster: 'managedCluster',
  agentPool: 'agentPool',
  scaleSet: 'scaleSet',
  vm: 'vm',
  operation: 'operation',
  settings: 'settings',
  // Kubernetes objects of every cluster's API (issue 9): keys `{clusterUid}/[{namespace}/]{name}`.
  kubeNamespace: 'kubeNamespace',
  kubeNode: 'kubeNode',
  kubePod: 'kubePod',
  kubeEvent: 'kubeEvent',
  kubeLease: 'kubeLease',
  // Written by guest attestation (issue 8), read by node sync (issue 9): one result per VM
  // (key = the VM's store key) and one setting per cluster (key = the cluster's store key).
  attestationResult: 'attestationResult',
  attestationSettings: 'attestationSettings',
  // Issue 8 (src/platform/attestation): result history (`{vmKey}/{slot}`), AK↔EK bindings (key: EK
  // Name), token signing keys, admin-added EK/AK certificate authorities, and security alerts
  // (`{subscription}/{alert name}`).
  attestationHistory: 'attestationHistory',
  attestationBinding: 'attestationBinding',
  attestationKey: 'attestationKey',
  attestationTrustAnchor: 'attestationTrustAnchor',
  securityAlert: 'securityAlert',
} as const;

const lc = (s: string) => s.toLowerCase();

export const keys = {
  resourceGroup: (sub: string, rg: string) => `${lc(sub)}/${lc(rg)}`,
  provider: (sub: string, ns: string) => `${lc(sub)}/${lc(ns)}`,
  feature: (sub: string, ns: string, name: string) => `${lc(sub)}/${lc(ns)}/${lc(name)}`,
  cluster: (sub: string, rg: string, name: string) => `${lc(sub)}/${lc(rg)}/${lc(name)}`,
  agentPool: (clusterKey: string, pool: string) => `${clusterKey}/${lc(pool)}`,
  scaleSet: (sub: string, nodeRg: string, vmss: string) => `${lc(sub)}/${lc(nodeRg)}/${lc(vmss)}`,
  vm: (scaleSetKey: string, instanceId: number) => `${scaleSetKey}/${String(instanceId).padStart(6, '0')}`,
  operation: (sub: string, id: string) => `${lc(sub)}/${lc(id)}`,
};

export const ids = {
  subscription: (sub: string) => `/subscriptions/${sub}`,
  resourceGroup: (sub: string, rg: string) => `/subscriptions/${sub}/resourceGroups/${rg}`,
  provider: (sub: string, ns: string) => `/subscriptions/${sub}/providers/${ns}`,
  feature: (sub: string, ns: string, name: string) => `/subscriptions/${sub}/providers/Microsoft.Features/providers/${ns}/features/${name}`,
  /** AKS returns cluster IDs with a lower-case `resourcegroups` segment (reference/aks-api.md §3.3). */
  cluster: (sub: string, rg: string, name: string) => `/subscriptions/${sub}/resourcegroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`,
  agentPool: (sub: string, rg: string, cluster: string, pool: string) =>
    `/subscriptions/${sub}/resourcegroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${cluster}/agentPools/${pool}`,
  scaleSet: (sub: string, nodeRg: string, vmss: string) => `/subscriptions/${sub}/resourceGroups/${nodeRg}/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss}`,
  vm: (sub: string, nodeRg: string, vmss: string, instanceId: number) =>
    `/subscriptions/${sub}/resourceGroups/${nodeRg}/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss}/virtualMachines/${instanceId}`,
  operation: (sub: string, location: string, id: string) => `/subscriptions/${sub}/providers/Microsoft.ContainerService/locations/${location}/operations/${id}`,
};

/** The node resource group AKS creates for a cluster: MC_{rg}_{cluster}_{location}. */
export const nodeResourceGroupName = (rg: string, cluster: string, location: string) => `MC_${rg}_${cluster}_${location}`;

/** AKS computer names: aks-{pool}-{8 digits}-vmss{instance id in base 36, 6 chars} (reference/aks-api.md §4.3). */
export function computerName(vmssName: string, instanceId: number): string {
  return `${vmssName}${instanceId.toString(36).padStart(6, '0')}`;
}

/** Split a computer name back into its scale set name and instance id, or undefined. */
export function parseComputerName(name: string): { vmssName: string; instanceId: number } | undefined {
  const m = name.toLowerCase().match(/^(aks-[a-z0-9]+-\d{8}-vmss)([0-9a-z]{6})$/);
  return m ? { vmssName: m[1]!, instanceId: parseInt(m[2]!, 36) } : undefined;
}
