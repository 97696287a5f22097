/** Wire shapes of subscriptions, resource groups, providers, features and operations. */
import { ids } from '../../../platform/model/keys.js';
import type { FeatureRegistration, Operation, ProviderRegistration, ResourceGroup, Subscription } from '../../../platform/model/types.js';
import type { ProviderInfo } from '../../../platform/services/registrations.js';
import { API_VERSIONS } from '../versions.js';

export function subscriptionToWire(s: Subscription): Record<string, unknown> {
  return {
    id: ids.subscription(s.subscriptionId),
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId: s.tenantId,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  };
}

export function resourceGroupToWire(g: ResourceGroup): Record<string, unknown> {
  return {
    id: ids.resourceGroup(g.subscriptionId, g.name),
    name: g.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: g.location,
    ...(g.managedBy ? { managedBy: g.managedBy } : {}),
    ...(Object.keys(g.tags).length ? { tags: g.tags } : {}),
    properties: { provisioningState: g.provisioningState },
  };
}

export function providerToWire(p: ProviderRegistration & { info: ProviderInfo }, locations: readonly string[]): Record<string, unknown> {
  const versions = p.info.namespace === 'Microsoft.ContainerService' ? API_VERSIONS.containerService! : p.info.namespace === 'Microsoft.Compute' ? API_VERSIONS.compute! : [];
  return {
    id: ids.provider(p.subscriptionId, p.info.namespace),
    namespace: p.info.namespace,
    registrationState: p.registrationState,
    registrationPolicy: p.info.registrationPolicy,
    resourceTypes: p.info.resourceTypes.map((t) => ({
      resourceType: t.resourceType,
      locations: locations.map(displayLocation),
      apiVersions: t.apiVersions.length ? t.apiVersions : [...versions].reverse(),
      capabilities: 'None',
    })),
    providerAuthorizationConsentState: 'NotRequired',
  };
}

export function featureToWire(f: FeatureRegistration): Record<string, unknown> {
  return {
    properties: { state: f.state },
    id: ids.feature(f.subscriptionId, f.namespace, f.name),
    type: 'Microsoft.Features/providers/features',
    name: `${f.namespace}/${f.name}`,
  };
}

/** ARM async-operation status (Azure-AsyncOperation), as AKS returns it (reference/aks-api.md §6). */
export function operationToWire(op: Operation): Record<string, unknown> {
  return {
    id: ids.operation(op.subscriptionId, op.location, op.id),
    name: op.id,
    status: op.status,
    startTime: new Date(op.startTime).toISOString(),
    ...(op.endTime !== undefined ? { endTime: new Date(op.endTime).toISOString() } : {}),
    ...(op.percentComplete !== undefined ? { percentComplete: op.percentComplete } : {}),
    ...(op.error ? { error: { code: op.error.code, message: op.error.message } } : {}),
  };
}

const DISPLAY: Record<string, string> = {
  eastus: 'East US', eastus2: 'East US 2', westus2: 'West US 2', westus3: 'West US 3', centralus: 'Central US', northeurope: 'North Europe',
  westeurope: 'West Europe', uksouth: 'UK South', brazilsouth: 'Brazil South', italynorth: 'Italy North', japaneast: 'Japan East', australiaeast: 'Australia East',
};

export const displayLocation = (l: string): string => DISPLAY[l] ?? l;
