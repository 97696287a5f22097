/**
 * Resource providers and preview features (Microsoft.Resources providers, Microsoft.Features).
 *
 * Both are per-subscription state machines with a delay (the document: "it takes a few minutes
 * for the status to show Registered"):
 *   feature:  NotRegistered → Registering → Registered;  Registered → Unregistering → Unregistered
 *   provider: NotRegistered → Registering → Registered;  Registered → Unregistering → NotRegistered
 * A registered feature takes effect for its provider only once the provider has been registered
 * again after the feature reached Registered — exactly the document's instruction
 * ("quando o status refletir Registrado, atualize o registro do provedor … az provider register").
 */
import { DomainError, invalid, notFound } from '../errors.js';
import { KIND, keys } from '../model/keys.js';
import type { FeatureRegistration, ProviderRegistration, RegistrationState } from '../model/types.js';
import type { FeatureGate } from '../rules/trusted-launch.js';
import { put } from '../store/store.js';
import type { PlatformContext } from './context.js';

export interface ProviderInfo {
  readonly namespace: string;
  readonly registrationPolicy: 'RegistrationRequired' | 'RegistrationFree';
  /** State of a subscription that never touched this provider. */
  readonly initialState: 'Registered' | 'NotRegistered';
  readonly resourceTypes: readonly { readonly resourceType: string; readonly apiVersions: readonly string[] }[];
}

export const PROVIDERS: readonly ProviderInfo[] = [
  {
    namespace: 'Microsoft.ContainerService',
    registrationPolicy: 'RegistrationRequired',
    initialState: 'Registered',
    resourceTypes: [
      { resourceType: 'managedClusters', apiVersions: [] },
      { resourceType: 'managedClusters/agentPools', apiVersions: [] },
      { resourceType: 'locations/operations', apiVersions: [] },
      { resourceType: 'locations/kubernetesVersions', apiVersions: [] },
    ],
  },
  { namespace: 'Microsoft.Compute', registrationPolicy: 'RegistrationRequired', initialState: 'Registered', resourceTypes: [{ resourceType: 'virtualMachineScaleSets', apiVersions: [] }] },
  { namespace: 'Microsoft.Features', registrationPolicy: 'RegistrationFree', initialState: 'Registered', resourceTypes: [{ resourceType: 'features', apiVersions: ['2021-07-01'] }] },
  { namespace: 'Microsoft.Resources', registrationPolicy: 'RegistrationFree', initialState: 'Registered', resourceTypes: [{ resourceType: 'resourceGroups', apiVersions: [] }] },
  { namespace: 'Microsoft.Security', registrationPolicy: 'RegistrationRequired', initialState: 'Registered', resourceTypes: [{ resourceType: 'alerts', apiVersions: [] }, { resourceType: 'assessments', apiVersions: [] }] },
  { namespace: 'Microsoft.Attestation', registrationPolicy: 'RegistrationRequired', initialState: 'NotRegistered', resourceTypes: [{ resourceType: 'attestationProviders', apiVersions: [] }] },
];

/** Preview features the platform knows (AFEC catalogue). */
export const FEATURES: readonly { readonly namespace: string; readonly name: string }[] = [
  { namespace: 'Microsoft.ContainerService', name: 'TrustedLaunchPreview' },
  { namespace: 'Microsoft.ContainerService', name: 'AKS-GPUDedicatedVHDPreview' },
  { namespace: 'Microsoft.ContainerService', name: 'EnableAPIServerVnetIntegrationPreview' },
  { namespace: 'Microsoft.ContainerService', name: 'NodeOsUpgradeChannelPreview' },
  { namespace: 'Microsoft.Compute', name: 'TrustedLaunchByDefaultPreview' },
  { namespace: 'Microsoft.Compute', name: 'UseStandardSecurityType' },
];

function providerInfo(namespace: string): ProviderInfo {
  const p = PROVIDERS.find((x) => x.namespace.toLowerCase() === namespace.toLowerCase());
  if (!p) {
    throw notFound('InvalidResourceNamespace', `The resource namespace '${namespace}' is invalid.`);
  }
  return p;
}

function featureInfo(namespace: string, name: string): { namespace: string; name: string } {
  const f = FEATURES.find((x) => x.namespace.toLowerCase() === namespace.toLowerCase() && x.name.toLowerCase() === name.toLowerCase());
  if (!f) throw notFound('FeatureNotFound', `The feature '${name}' could not be found.`);
  return f;
}

export class RegistrationService {
  constructor(private readonly ctx: PlatformContext) {}

  // --- providers -------------------------------------------------------------------------

  async getProvider(sub: string, namespace: string): Promise<ProviderRegistration & { info: ProviderInfo }> {
    const info = providerInfo(namespace);
    const rec = await this.ctx.store.get<ProviderRegistration>(KIND.provider, keys.provider(sub, info.namespace));
    const value: ProviderRegistration = rec?.value ?? {
      subscriptionId: sub,
      namespace: info.namespace,
      registrationState: info.initialState,
      ...(info.initialState === 'Registered' ? { registeredAt: 0 } : {}),
    };
    return { ...value, info };
  }

  async listProviders(sub: string): Promise<(ProviderRegistration & { info: ProviderInfo })[]> {
    return Promise.all(PROVIDERS.map((p) => this.getProvider(sub, p.namespace)));
  }

  /** POST …/providers/{ns}/register: always (re)starts a registration, which is what propagates features. */
  async registerProvider(sub: string, namespace: string): Promise<ProviderRegistration & { info: ProviderInfo }> {
    const cur = await this.getProvider(sub, namespace);
    if (cur.info.registrationPolicy === 'RegistrationFree') return cur;
    return this.transitionProvider(sub, cur, 'Registering');
  }

  async unregisterProvider(sub: string, namespace: string): Promise<ProviderRegistration & { info: ProviderInfo }> {
    const cur = await this.getProvider(sub, namespace);
    if (cur.info.registrationPolicy === 'RegistrationFree') {
      throw invalid('ProviderUnregistrationNotAllowed', `The resource provider '${cur.info.namespace}' cannot be unregistered.`);
    }
    if (cur.registrationState === 'NotRegistered' || cur.registrationState === 'Unregistered') return cur;
    return this.transitionProvider(sub, cur, 'Unregistering');
  }

  private async transitionProvider(sub: string, cur: ProviderRegistration & { info: ProviderInfo }, state: RegistrationState) {
    const { info, ...rest } = cur;
    const next: ProviderRegistration = { ...rest, registrationState: state, transitionAt: this.ctx.clock.now() + this.ctx.timing.providerRegistrationMs };
    const key = keys.provider(sub, info.namespace);
    await put(this.ctx.store, KIND.provider, key, next);
    this.ctx.queue.enqueueAt(KIND.provider, key, next.transitionAt!);
    return { ...next, info };
  }

  // --- features --------------------------------------------------------------------------

  async getFeature(sub: string, namespace: string, name: string): Promise<FeatureRegistration> {
    const f = featureInfo(namespace, name);
    const rec = await this.ctx.store.get<FeatureRegistration>(KIND.feature, keys.feature(sub, f.namespace, f.name));
    return rec?.value ?? { subscriptionId: sub, namespace: f.namespace, name: f.name, state: 'NotRegistered' };
  }

  async listFeatures(sub: string, namespace?: string): Promise<FeatureRegistration[]> {
    const all = FEATURES.filter((f) => namespace === undefined || f.namespace.toLowerCase() === namespace.toLowerCase());
    if (namespace !== undefined) providerInfo(namespace);
    return Promise.all(all.map((f) => this.getFeature(sub, f.namespace, f.name)));
  }

  async registerFeature(sub: string, namespace: string, name: string): Promise<FeatureRegistration> {
    const cur = await this.getFeature(sub, namespace, name);
    if (cur.state === 'Registered' || cur.state === 'Registering') return cur;
    return this.transitionFeature(cur, 'Registering');
  }

  async unregisterFeature(sub: string, namespace: string, name: string): Promise<FeatureRegistration> {
    const cur = await this.getFeature(sub, namespace, name);
    if (cur.state === 'NotRegistered' || cur.state === 'Unregistered' || cur.state === 'Unregistering') return cur;
    return this.transitionFeature(cur, 'Unregistering');
  }

  private async transitionFeature(cur: FeatureRegistration, state: RegistrationState): Promise<FeatureRegistration> {
    const next: FeatureRegistration = { ...cur, state, transitionAt: this.ctx.clock.now() + this.ctx.timing.featureRegistrationMs };
    const key = keys.feature(cur.subscriptionId, cur.namespace, cur.name);
    await put(this.ctx.store, KIND.feature, key, next);
    this.ctx.queue.enqueueAt(KIND.feature, key, next.transitionAt!);
    return next;
  }

  /** Is the feature in effect for its provider (registered, then the provider re-registered)? */
  async featureGate(sub: string, namespace: string, name: string): Promise<FeatureGate> {
    const f = await this.getFeature(sub, namespace, name);
    const p = await this.getProvider(sub, namespace);
    const effective = f.state === 'Registered' && p.registrationState === 'Registered' && p.registeredAt !== undefined && f.registeredAt !== undefined && p.registeredAt >= f.registeredAt;
    return { effective, state: f.state };
  }

  /** Clusters can only be made in a subscription registered for Microsoft.ContainerService. */
  async requireProvider(sub: string, namespace: string): Promise<void> {
    const p = await this.getProvider(sub, namespace);
    if (p.registrationState !== 'Registered') {
      throw new DomainError(
        'Conflict',
        'MissingSubscriptionRegistration',
        `The subscription is not registered to use namespace '${p.namespace}'. See https://aka.ms/rps-not-found for how to register subscriptions. Run 'az provider register --namespace ${p.namespace}'.`,
      );
    }
  }

  // --- the reconcile step the controller runs when a transition falls due ----------------

  async reconcileFeature(key: string): Promise<void> {
    const rec = await this.ctx.store.get<FeatureRegistration>(KIND.feature, key);
    if (!rec || rec.value.transitionAt === undefined) return;
    const now = this.ctx.clock.now();
    if (rec.value.transitionAt > now) return this.ctx.queue.enqueueAt(KIND.feature, key, rec.value.transitionAt);
    const { transitionAt: _, ...v } = rec.value;
    const next: FeatureRegistration = v.state === 'Registering' ? { ...v, state: 'Registered', registeredAt: now } : v.state === 'Unregistering' ? { ...v, state: 'Unregistered' } : v;
    await put(this.ctx.store, KIND.feature, key, next, rec.rev);
  }

  async reconcileProvider(key: string): Promise<void> {
    const rec = await this.ctx.store.get<ProviderRegistration>(KIND.provider, key);
    if (!rec || rec.value.transitionAt === undefined) return;
    const now = this.ctx.clock.now();
    if (rec.value.transitionAt > now) return this.ctx.queue.enqueueAt(KIND.provider, key, rec.value.transitionAt);
    const { transitionAt: _, ...v } = rec.value;
    const next: ProviderRegistration =
      v.registrationState === 'Registering' ? { ...v, registrationState: 'Registered', registeredAt: now } : v.registrationState === 'Unregistering' ? { ...v, registrationState: 'NotRegistered' } : v;
    await put(this.ctx.store, KIND.provider, key, next, rec.rev);
  }
}
