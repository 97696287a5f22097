/**
 * az prints every attribute of the SDK model, `null` when the service did not send it
 * (reference/aks-api.md §3.4: "Null-valued properties are printed as null"). These are the
 * attribute lists (as az names them) of the models the commands print.
 */
import { addResourceGroup, flattenProperties, toSdk } from './sdk-case.js';

const AGENT_POOL_COMMON = [
  'availabilityZones', 'capacityReservationGroupId', 'count', 'creationData', 'currentOrchestratorVersion', 'eTag', 'enableAutoScaling',
  'enableEncryptionAtHost', 'enableFips', 'enableNodePublicIp', 'enableUltraSsd', 'gpuInstanceProfile', 'gpuProfile', 'hostGroupId', 'kubeletConfig',
  'kubeletDiskType', 'linuxOsConfig', 'maxCount', 'maxPods', 'minCount', 'mode', 'name', 'networkProfile', 'nodeImageVersion', 'nodeLabels',
  'nodePublicIpPrefixId', 'nodeTaints', 'orchestratorVersion', 'osDiskSizeGb', 'osDiskType', 'osSku', 'osType', 'podSubnetId', 'powerState',
  'provisioningState', 'proximityPlacementGroupId', 'scaleDownMode', 'scaleSetEvictionPolicy', 'scaleSetPriority', 'securityProfile', 'spotMaxPrice',
  'tags', 'upgradeSettings', 'vmSize', 'vnetSubnetId', 'windowsProfile', 'workloadRuntime',
];

export const MODELS = {
  AgentPool: [...AGENT_POOL_COMMON, 'agentPoolType', 'id', 'resourceGroup', 'type'],
  ManagedClusterAgentPoolProfile: [...AGENT_POOL_COMMON, 'type'],
  ManagedCluster: [
    'aadProfile', 'addonProfiles', 'agentPoolProfiles', 'apiServerAccessProfile', 'autoScalerProfile', 'autoUpgradeProfile', 'azureMonitorProfile',
    'azurePortalFqdn', 'currentKubernetesVersion', 'disableLocalAccounts', 'diskEncryptionSetId', 'dnsPrefix', 'eTag', 'enableRbac', 'extendedLocation',
    'fqdn', 'fqdnSubdomain', 'httpProxyConfig', 'id', 'identity', 'identityProfile', 'ingressProfile', 'kubernetesVersion', 'linuxProfile', 'location',
    'maxAgentPools', 'metricsProfile', 'name', 'networkProfile', 'nodeResourceGroup', 'oidcIssuerProfile', 'podIdentityProfile', 'powerState',
    'privateFqdn', 'privateLinkResources', 'provisioningState', 'publicNetworkAccess', 'resourceGroup', 'resourceUid', 'securityProfile',
    'serviceMeshProfile', 'servicePrincipalProfile', 'sku', 'storageProfile', 'supportPlan', 'systemData', 'tags', 'type', 'upgradeSettings',
    'windowsProfile', 'workloadAutoScalerProfile',
  ],
  ResourceGroup: ['id', 'location', 'managedBy', 'name', 'properties', 'tags', 'type'],
  FeatureResult: ['id', 'name', 'properties', 'type'],
  Provider: ['id', 'namespace', 'providerAuthorizationConsentState', 'registrationPolicy', 'registrationState', 'resourceTypes'],
} as const;

export function withNulls(model: keyof typeof MODELS, o: Record<string, unknown>): Record<string, unknown> {
  const out = { ...o };
  for (const k of MODELS[model]) if (!(k in out)) out[k] = null;
  return out;
}

/** An AgentPool from the wire, as `az aks nodepool show` prints it. */
export function agentPoolOut(wire: unknown): Record<string, unknown> {
  const flat = toSdk(flattenProperties(wire as Record<string, unknown>, { agentPool: true })) as Record<string, unknown>;
  return withNulls('AgentPool', addResourceGroup(flat) as Record<string, unknown>);
}

/** A ManagedCluster from the wire, as `az aks show` prints it. */
export function clusterOut(wire: unknown): Record<string, unknown> {
  const flat = toSdk(flattenProperties(wire as Record<string, unknown>)) as Record<string, unknown>;
  if (Array.isArray(flat.agentPoolProfiles)) flat.agentPoolProfiles = flat.agentPoolProfiles.map((p) => withNulls('ManagedClusterAgentPoolProfile', p as Record<string, unknown>));
  return withNulls('ManagedCluster', addResourceGroup(flat) as Record<string, unknown>);
}

export const resourceGroupOut = (wire: unknown) => withNulls('ResourceGroup', toSdk(wire) as Record<string, unknown>);
export const featureOut = (wire: unknown) => withNulls('FeatureResult', toSdk(wire) as Record<string, unknown>);
export const providerOut = (wire: unknown) => withNulls('Provider', toSdk(wire) as Record<string, unknown>);
