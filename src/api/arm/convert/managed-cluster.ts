/** ManagedCluster ⇄ the domain, per api-version (2024-09-01 ManagedCluster / ManagedClusterProperties). */
import { createHash } from 'node:crypto';
import { ids } from '../../../platform/model/keys.js';
import type { AgentPool, ManagedCluster } from '../../../platform/model/types.js';
import type { ManagedClusterSpec } from '../../../platform/services/clusters.js';
import { invalidContent } from '../errors.js';
import { Body, type Json } from '../body.js';
import type { AksWireFeatures } from '../versions.js';
import { agentPoolPropertiesToWire, agentPoolSpecFromWire } from './agent-pool.js';

const MODELLED_PROPS = new Set([
  'kubernetesVersion', 'dnsPrefix', 'nodeResourceGroup', 'agentPoolProfiles',
  'provisioningState', 'powerState', 'maxAgentPools', 'currentKubernetesVersion', 'fqdn', 'privateFQDN', 'azurePortalFQDN', 'resourceUID',
]);
const MODELLED_TOP = new Set(['location', 'tags', 'sku', 'properties', 'id', 'name', 'type', 'eTag', 'systemData']);

/** Secrets are accepted and never stored or echoed (the spec marks them write-only). */
function withoutSecrets(extra: Record<string, unknown>): Record<string, unknown> {
  const out = { ...extra };
  const wp = out.windowsProfile as Record<string, unknown> | undefined;
  if (wp && 'adminPassword' in wp) {
    const { adminPassword: _, ...rest } = wp;
    out.windowsProfile = rest;
  }
  const sp = out.servicePrincipalProfile as Record<string, unknown> | undefined;
  if (sp && 'secret' in sp) {
    const { secret: _, ...rest } = sp;
    out.servicePrincipalProfile = rest;
  }
  return out;
}

export function clusterSpecFromWire(body: Json, f: AksWireFeatures): ManagedClusterSpec {
  const top = Body.root(body);
  const location = top.str('location');
  if (!location) throw invalidContent("Required property 'location' not found in JSON", 'location');
  const props = top.obj('properties') ?? Body.root({}, 'properties');
  const kubernetesVersion = props.str('kubernetesVersion');
  const sku = top.obj('sku');
  const profiles = props.objArray('agentPoolProfiles')?.map((p) => {
    const name = p.str('name');
    if (!name) throw invalidContent("Required property 'name' not found in JSON", `${p.path}.name`);
    return { ...agentPoolSpecFromWire(p, f), name };
  });
  const spec: ManagedClusterSpec = {
    location,
    ...(top.strMap('tags') ? { tags: top.strMap('tags')! } : {}),
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
    ...(props.str('dnsPrefix') ? { dnsPrefix: props.str('dnsPrefix')! } : {}),
    ...(props.str('nodeResourceGroup') ? { nodeResourceGroup: props.str('nodeResourceGroup')! } : {}),
    ...(sku ? { sku: { ...skuName(sku), ...(sku.str('tier') ? { tier: sku.enumOf('tier', ['Free', 'Standard', 'Premium'])! } : {}) } } : {}),
    ...(profiles ? { agentPoolProfiles: profiles } : {}),
    extra: withoutSecrets(props.rest(MODELLED_PROPS)),
    extraTop: top.rest(MODELLED_TOP),
  };
  return spec;
}

/** ManagedClusterSKU.name: `Base` (the 2024-09-01 enum), `Automatic` in later versions; older versions called it `Basic`. */
function skuName(sku: Body): { name?: string } {
  const name = sku.enumOf('name', ['Base', 'Automatic', 'Basic']);
  return name === undefined ? {} : { name: name === 'Basic' ? 'Base' : name };
}

/** A deterministic GUID derived from the cluster (for identities the platform reports but does not model). */
function guidFrom(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('/')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** ManagedClusterIdentity: principalId/tenantId for SystemAssigned; principalId/clientId of each user-assigned identity (read-only). */
function withIdentityIds(identity: Record<string, unknown>, c: ManagedCluster): Record<string, unknown> {
  if (identity.type === 'SystemAssigned') return { ...identity, principalId: c.identityPrincipalId, tenantId: c.tenantId };
  const uai = identity.userAssignedIdentities;
  if (!uai || typeof uai !== 'object') return identity;
  const filled = Object.fromEntries(Object.entries(uai as Record<string, Record<string, unknown> | null>).map(([id, v]) => [id, { principalId: guidFrom(id, 'principal'), clientId: guidFrom(id, 'client'), ...(v ?? {}) }]));
  return { ...identity, userAssignedIdentities: filled };
}

/** The default outbound load balancer profile AKS reports (ManagedClusterLoadBalancerProfile defaults). */
function networkProfile(given: unknown): Record<string, unknown> {
  const np = merge(
    {
      networkPlugin: 'azure',
      networkPluginMode: 'overlay',
      networkPolicy: 'none',
      networkDataplane: 'azure',
      podCidr: '10.244.0.0/16',
      serviceCidr: '10.0.0.0/16',
      dnsServiceIP: '10.0.0.10',
      outboundType: 'loadBalancer',
      loadBalancerSku: 'standard',
      podCidrs: ['10.244.0.0/16'],
      serviceCidrs: ['10.0.0.0/16'],
      ipFamilies: ['IPv4'],
    },
    given,
  );
  if (np.outboundType === 'loadBalancer') {
    np.loadBalancerProfile = merge({ managedOutboundIPs: { count: 1 }, allocatedOutboundPorts: 0, idleTimeoutInMinutes: 30, backendPoolType: 'NodeIPConfiguration' }, np.loadBalancerProfile);
  }
  return np;
}

function merge(defaults: Record<string, unknown>, given: unknown): Record<string, unknown> {
  return given && typeof given === 'object' && !Array.isArray(given) ? { ...defaults, ...(given as Record<string, unknown>) } : defaults;
}

export function clusterToWire(c: ManagedCluster, pools: readonly AgentPool[], f: AksWireFeatures): Record<string, unknown> {
  const id = ids.cluster(c.subscriptionId, c.resourceGroup, c.name);
  const extra = c.extra;
  const kubeletId = `/subscriptions/${c.subscriptionId}/resourcegroups/${c.nodeResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${c.name}-agentpool`;
  const identity = c.extraTop.identity && typeof c.extraTop.identity === 'object' ? { ...(c.extraTop.identity as object) } : { type: 'SystemAssigned' };
  const identityOut = withIdentityIds(identity as Record<string, unknown>, c);
  return {
    ...c.extraTop,
    id,
    location: c.location,
    name: c.name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    ...(Object.keys(c.tags).length ? { tags: c.tags } : {}),
    eTag: c.eTag,
    sku: c.sku,
    identity: identityOut,
    properties: {
      ...extra,
      provisioningState: c.provisioningState,
      powerState: { code: c.powerState },
      maxAgentPools: 100,
      kubernetesVersion: c.kubernetesVersion,
      currentKubernetesVersion: c.kubernetesVersion,
      dnsPrefix: c.dnsPrefix,
      fqdn: c.fqdn,
      azurePortalFQDN: c.fqdn.replace('.hcp.', '.portal.hcp.'),
      agentPoolProfiles: pools.map((p) => {
        const { provisioningState, ...rest } = agentPoolPropertiesToWire(p, f);
        return { name: p.name, provisioningState, ...rest };
      }),
      servicePrincipalProfile: merge({ clientId: 'msi' }, extra.servicePrincipalProfile),
      nodeResourceGroup: c.nodeResourceGroup,
      enableRBAC: extra.enableRBAC ?? true,
      supportPlan: extra.supportPlan ?? 'KubernetesOfficial',
      networkProfile: networkProfile(extra.networkProfile),
      identityProfile: merge(
        { kubeletidentity: { resourceId: kubeletId, clientId: guidFrom(id, 'kubelet-client'), objectId: guidFrom(id, 'kubelet-object') } },
        extra.identityProfile,
      ),
      autoUpgradeProfile: merge({ nodeOSUpgradeChannel: 'NodeImage' }, extra.autoUpgradeProfile),
      oidcIssuerProfile: merge({ enabled: false }, extra.oidcIssuerProfile),
      disableLocalAccounts: extra.disableLocalAccounts ?? false,
      securityProfile: merge({}, extra.securityProfile),
      storageProfile: merge({ diskCSIDriver: { enabled: true }, fileCSIDriver: { enabled: true }, snapshotController: { enabled: true } }, extra.storageProfile),
      resourceUID: c.resourceUID,
    },
  };
}
