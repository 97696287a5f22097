/** Microsoft.Resources: subscriptions, tenants, resource groups, providers; and Microsoft.Features. */
import { Body, parseJsonBody } from '../body.js';
import { featureToWire, operationToWire, providerToWire, resourceGroupToWire, subscriptionToWire } from '../convert/resources.js';
import { invalidContent } from '../errors.js';
import { requirePrincipal } from '../face.js';
import type { Route } from '../../http/router.js';
import { json, type ApiRequest } from '../../http/types.js';
import { sub, type ArmDeps } from './deps.js';

const SUB = '/subscriptions/{subscriptionId}';

/**
 * The optional body of a register/unregister POST, read before anything changes: a body that is
 * sent must be a JSON object (as every ARM request body), and providers/register's one is a
 * ProviderRegistrationRequest (Microsoft.Resources 2021-04-01+:
 * `{ thirdPartyProviderConsent: { consentToAuthorization: boolean } }`, nothing to act on here).
 * Malformed JSON or a wrong type is 400 InvalidRequestContent, not a registration.
 */
function readActionBody(req: ApiRequest, registrationRequest = false): void {
  if (/^\s*$/.test(new TextDecoder().decode(req.body))) return;
  const b = Body.root(parseJsonBody(req.body));
  if (registrationRequest) b.obj('thirdPartyProviderConsent')?.bool('consentToAuthorization');
}

export function resourceRoutes(d: ArmDeps): Route[] {
  const p = d.platform;
  return [
    {
      method: 'GET', path: '/subscriptions', auth: 'arm', versions: 'subscriptions', action: 'Microsoft.Resources/subscriptions/read',
      handler: async (req) => json(200, { value: (await p.identity.subscriptionsOf(requirePrincipal(req))).map(subscriptionToWire), count: { type: 'Total', value: requirePrincipal(req).subscriptions.length } }),
    },
    {
      method: 'GET', path: SUB, auth: 'arm', versions: 'subscriptions', action: 'Microsoft.Resources/subscriptions/read',
      handler: async (req) => json(200, subscriptionToWire(await p.identity.getSubscription(sub(req.params)))),
    },
    {
      method: 'GET', path: '/tenants', auth: 'arm', versions: 'subscriptions', action: 'Microsoft.Resources/tenants/read',
      handler: async (req) => {
        const subs = await p.identity.subscriptionsOf(requirePrincipal(req));
        const tenants = [...new Set(subs.map((s) => s.tenantId))];
        return json(200, { value: tenants.map((t) => ({ id: `/tenants/${t}`, tenantId: t, tenantCategory: 'Home', displayName: 'Trusted Launch (local)', defaultDomain: 'tl.local' })) });
      },
    },
    // --- resource groups
    {
      method: 'GET', path: `${SUB}/resourcegroups`, auth: 'arm', versions: 'resources', action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
      handler: async (req) => json(200, { value: (await p.resourceGroups.list(sub(req.params))).map(resourceGroupToWire) }),
    },
    {
      method: 'PUT', path: `${SUB}/resourcegroups/{resourceGroupName}`, auth: 'arm', versions: 'resources', action: 'Microsoft.Resources/subscriptions/resourceGroups/write',
      handler: async (req) => {
        const b = Body.root(parseJsonBody(req.body));
        const location = b.str('location');
        if (!location) throw invalidContent("Required property 'location' not found in JSON", 'location');
        const { group, created } = await p.resourceGroups.createOrUpdate(sub(req.params), req.params.resourceGroupName!, location, b.strMap('tags') ?? {});
        return json(created ? 201 : 200, resourceGroupToWire(group));
      },
    },
    {
      method: 'GET', path: `${SUB}/resourcegroups/{resourceGroupName}`, auth: 'arm', versions: 'resources', action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
      handler: async (req) => json(200, resourceGroupToWire(await p.resourceGroups.get(sub(req.params), req.params.resourceGroupName!))),
    },
    {
      method: 'HEAD', path: `${SUB}/resourcegroups/{resourceGroupName}`, auth: 'arm', versions: 'resources', action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
      handler: async (req) => {
        const exists = await p.resourceGroups.get(sub(req.params), req.params.resourceGroupName!).then(() => true, () => false);
        return { status: exists ? 204 : 404 };
      },
    },
    {
      method: 'DELETE', path: `${SUB}/resourcegroups/{resourceGroupName}`, auth: 'arm', versions: 'resources', action: 'Microsoft.Resources/subscriptions/resourceGroups/delete',
      handler: async (req) => {
        const op = await p.resourceGroups.delete(sub(req.params), req.params.resourceGroupName!);
        if (!op) return { status: 204 };
        const v = encodeURIComponent(req.query.get('api-version') ?? '');
        return { status: 202, headers: { location: `${req.baseUrl}/subscriptions/${op.subscriptionId}/operationresults/${op.id}?api-version=${v}`, 'retry-after': String(d.lro.retryAfterSeconds) } };
      },
    },
    {
      // The Location of a resource group delete: 202 while running, then 200 (or the error).
      method: 'GET', path: `${SUB}/operationresults/{operationId}`, auth: 'arm', versions: 'resources', action: 'Microsoft.Resources/subscriptions/operationresults/read',
      handler: async (req) => {
        const op = await p.operations.get(sub(req.params), req.params.operationId!);
        if (op.status === 'InProgress') return { status: 202, headers: { location: `${req.baseUrl}${req.path}?${req.query.toString()}`, 'retry-after': String(d.lro.retryAfterSeconds) } };
        if (op.status === 'Succeeded') return { status: 200 };
        return json(op.status === 'Canceled' ? 409 : 500, { error: operationToWire(op).error ?? { code: op.status, message: `The operation ${op.status.toLowerCase()}.` } });
      },
    },
    // --- providers
    {
      method: 'GET', path: `${SUB}/providers`, auth: 'arm', versions: 'resources', action: 'Microsoft.Resources/subscriptions/providers/read',
      handler: async (req) => json(200, { value: (await p.registrations.listProviders(sub(req.params))).map((x) => providerToWire(x, p.ctx.locations)) }),
    },
    {
      method: 'GET', path: `${SUB}/providers/{namespace}`, auth: 'arm', versions: 'resources', action: 'Microsoft.Resources/subscriptions/providers/read',
      handler: async (req) => json(200, providerToWire(await p.registrations.getProvider(sub(req.params), req.params.namespace!), p.ctx.locations)),
    },
    {
      method: 'POST', path: `${SUB}/providers/{namespace}/register`, auth: 'arm', versions: 'resources', action: 'Microsoft.Resources/subscriptions/providers/register/action',
      handler: async (req) => {
        readActionBody(req, true);
        return json(200, providerToWire(await p.registrations.registerProvider(sub(req.params), req.params.namespace!), p.ctx.locations));
      },
    },
    {
      method: 'POST', path: `${SUB}/providers/{namespace}/unregister`, auth: 'arm', versions: 'resources', action: 'Microsoft.Resources/subscriptions/providers/unregister/action',
      handler: async (req) => {
        readActionBody(req);
        return json(200, providerToWire(await p.registrations.unregisterProvider(sub(req.params), req.params.namespace!), p.ctx.locations));
      },
    },
    // --- features (Microsoft.Features 2021-07-01)
    {
      method: 'GET', path: `${SUB}/providers/Microsoft.Features/features`, auth: 'arm', versions: 'features', action: 'Microsoft.Features/features/read',
      handler: async (req) => json(200, { value: (await p.registrations.listFeatures(sub(req.params))).map(featureToWire) }),
    },
    {
      method: 'GET', path: `${SUB}/providers/Microsoft.Features/providers/{namespace}/features`, auth: 'arm', versions: 'features', action: 'Microsoft.Features/providers/features/read',
      handler: async (req) => json(200, { value: (await p.registrations.listFeatures(sub(req.params), req.params.namespace!)).map(featureToWire) }),
    },
    {
      method: 'GET', path: `${SUB}/providers/Microsoft.Features/providers/{namespace}/features/{featureName}`, auth: 'arm', versions: 'features', action: 'Microsoft.Features/providers/features/read',
      handler: async (req) => json(200, featureToWire(await p.registrations.getFeature(sub(req.params), req.params.namespace!, req.params.featureName!))),
    },
    {
      method: 'POST', path: `${SUB}/providers/Microsoft.Features/providers/{namespace}/features/{featureName}/register`, auth: 'arm', versions: 'features', action: 'Microsoft.Features/providers/features/register/action',
      handler: async (req) => {
        readActionBody(req);
        return json(200, featureToWire(await p.registrations.registerFeature(sub(req.params), req.params.namespace!, req.params.featureName!)));
      },
    },
    {
      method: 'POST', path: `${SUB}/providers/Microsoft.Features/providers/{namespace}/features/{featureName}/unregister`, auth: 'arm', versions: 'features', action: 'Microsoft.Features/providers/features/unregister/action',
      handler: async (req) => {
        readActionBody(req);
        return json(200, featureToWire(await p.registrations.unregisterFeature(sub(req.params), req.params.namespace!, req.params.featureName!)));
      },
    },
  ];
}
