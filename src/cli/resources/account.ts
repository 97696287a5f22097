/** Accounts as `az account list/show` and `az login` print them: subscriptions plus who is signed in. */
import type { ArmClient } from '../client/arm.js';
import { API } from '../client/versions.js';

export interface Subscription {
  subscriptionId: string;
  displayName: string;
  state: string;
  tenantId: string;
}

export async function listSubscriptions(arm: ArmClient): Promise<Subscription[]> {
  return ((await arm.get('/subscriptions', API.subscriptions)).value ?? []) as Subscription[];
}

export function account(s: Subscription, arm: ArmClient, isDefault: boolean, cloudKey: 'cloudName' | 'environmentName'): Record<string, unknown> {
  return {
    [cloudKey]: 'AzureCloud',
    homeTenantId: s.tenantId,
    id: s.subscriptionId,
    isDefault,
    managedByTenants: [],
    name: s.displayName,
    state: s.state,
    tenantId: s.tenantId,
    user: { name: arm.profile.clientId, type: 'servicePrincipal' },
  };
}

/** az account list -o table. */
export const accountRow = (a: unknown) => {
  const x = a as Record<string, unknown>;
  return { Name: x.name, CloudName: x.cloudName, SubscriptionId: x.id, TenantId: x.tenantId, State: x.state, IsDefault: x.isDefault };
};
