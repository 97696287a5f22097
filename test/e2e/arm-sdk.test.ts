/**
 * The document's whole flow through the official Azure SDKs for JavaScript, against a real
 * `tl serve`: register the feature, register the provider, create a group, create a Secure Boot +
 * vTPM cluster, add a vTPM pool, enable Secure Boot (reimage), disable each — and one failing
 * request per rule, asserting the ARM error code. Every ManagedCluster, AgentPool, credential,
 * kubernetesVersions and feature response the SDK receives is validated against the official
 * 2024-09-01 AKS and 2021-07-01 Features OpenAPI definitions — types and enums with ajv, and every
 * member name against the members the spec defines (conformance.ts).
 */
import { ContainerServiceClient, type AgentPool } from '@azure/arm-containerservice';
import { FeatureClient } from '@azure/arm-features';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AKS_SPEC, FEATURES_SPEC, conformanceErrors, undeclaredProperties } from '../support/conformance.js';
import { armRequest, startServer, waitFor, type TestServer } from '../support/server.js';

let s: TestServer;
let aks: ContainerServiceClient;
let features: FeatureClient;
let resources: ResourceManagementClient;
const seen: { url: string; status: number; body: unknown }[] = [];
const poll = { updateIntervalInMs: 10 };
const RG = 'myResourceGroup';

/** Records every response the SDKs receive, for the conformance check. */
const recorder: PipelinePolicy = {
  name: 'recorder',
  async sendRequest(req, next) {
    const res = await next(req);
    let body: unknown;
    try {
      body = res.bodyAsText ? JSON.parse(res.bodyAsText) : undefined;
    } catch {
      body = undefined;
    }
    seen.push({ url: req.url, status: res.status, body });
    return res;
  },
};

async function sdkError(p: Promise<unknown>): Promise<{ statusCode: number; code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { statusCode: number; code: string; message: string };
    return { statusCode: err.statusCode, code: err.code, message: err.message };
  }
  throw new Error('expected the SDK call to fail');
}

beforeAll(async () => {
  s = await startServer();
  const credential: TokenCredential = { getToken: async () => ({ token: s.profile.accessToken, expiresOnTimestamp: s.profile.expiresOn * 1000 }) };
  const options = { endpoint: s.url, tlsOptions: { ca: s.ca } };
  aks = new ContainerServiceClient(credential, s.profile.subscriptionId, options);
  features = new FeatureClient(credential, s.profile.subscriptionId, options);
  resources = new ResourceManagementClient(credential, s.profile.subscriptionId, options);
  for (const c of [aks, features, resources]) c.pipeline.addPolicy(recorder);
});

afterAll(async () => {
  await s?.stop();
});

describe('the document through the Azure SDKs', () => {
  it('refuses Trusted Launch before the feature is registered, and makes a pool without the TL image', async () => {
    await resources.resourceGroups.createOrUpdate(RG, { location: 'eastus' });
    const early = await aks.managedClusters.beginCreateOrUpdateAndWait(RG, 'earlyCluster', { location: 'eastus', agentPoolProfiles: [{ name: 'nodepool1', count: 1, mode: 'System' }] }, poll);
    expect(early.agentPoolProfiles![0]!.nodeImageVersion).toMatch(/^AKSUbuntu-2204gen2containerd-/);
    const e = await sdkError(aks.agentPools.beginCreateOrUpdateAndWait(RG, 'earlyCluster', 'tl', { count: 1, securityProfile: { enableVtpm: true } }, poll));
    expect([e.statusCode, e.code]).toEqual([400, 'SubscriptionNotRegisteredForFeature']);
  });

  it('az feature register → Registered; az provider register → Registered', async () => {
    const r = await features.features.register('Microsoft.ContainerService', 'TrustedLaunchPreview');
    expect(r).toMatchObject({ name: 'Microsoft.ContainerService/TrustedLaunchPreview', type: 'Microsoft.Features/providers/features', properties: { state: 'Registering' } });
    await waitFor(async () => (await features.features.get('Microsoft.ContainerService', 'TrustedLaunchPreview')).properties?.state === 'Registered', 'feature Registered');
    const p = await resources.providers.register('Microsoft.ContainerService');
    expect(p.registrationState).toBe('Registering');
    await waitFor(async () => (await resources.providers.get('Microsoft.ContainerService')).registrationState === 'Registered', 'provider Registered');
    const all = [];
    for await (const f of features.features.listAll()) all.push(f);
    expect(all.find((f) => f.name === 'Microsoft.ContainerService/TrustedLaunchPreview')?.properties?.state).toBe('Registered');
  });

  it('az aks create --enable-secure-boot --enable-vtpm, then get-credentials', async () => {
    const c = await aks.managedClusters.beginCreateOrUpdateAndWait(
      RG,
      'myAKSCluster',
      { location: 'eastus', identity: { type: 'SystemAssigned' }, agentPoolProfiles: [{ name: 'nodepool1', count: 1, mode: 'System', securityProfile: { enableSecureBoot: true, enableVtpm: true } }] },
      poll,
    );
    expect(c.provisioningState).toBe('Succeeded');
    expect(c.agentPoolProfiles![0]!.securityProfile).toEqual({ enableVtpm: true, enableSecureBoot: true });
    expect(c.agentPoolProfiles![0]!.nodeImageVersion).toMatch(/^AKSUbuntu-2204gen2TLcontainerd-\d{6}\.\d{2}\.\d+$/);
    expect(c.nodeResourceGroup).toBe('MC_myResourceGroup_myAKSCluster_eastus');
    const creds = await aks.managedClusters.listClusterUserCredentials(RG, 'myAKSCluster');
    const kubeconfig = Buffer.from(creds.kubeconfigs![0]!.value!).toString();
    expect(kubeconfig).toMatch(/current-context: myAKSCluster/);
    expect(kubeconfig).toMatch(/name: clusterUser_myResourceGroup_myAKSCluster/);
    expect(kubeconfig).toMatch(/client-certificate-data: /);
    const vmss = await armRequest(s, 'GET', `/subscriptions/${s.profile.subscriptionId}/resourceGroups/MC_myResourceGroup_myAKSCluster_eastus/providers/Microsoft.Compute/virtualMachineScaleSets?api-version=2024-07-01`);
    expect(vmss.json.value[0].properties.virtualMachineProfile.securityProfile).toEqual({ securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } });
  });

  it('az aks list and az aks list -g: the SDK lists clusters by subscription and by resource group, and the raw lists conform to ManagedClusterListResult', async () => {
    await resources.resourceGroups.createOrUpdate('otherGroup', { location: 'eastus' });
    await resources.resourceGroups.createOrUpdate('emptyGroup', { location: 'eastus' });
    await aks.managedClusters.beginCreateOrUpdateAndWait('otherGroup', 'otherCluster', { location: 'eastus', agentPoolProfiles: [{ name: 'nodepool1', count: 1, mode: 'System' }] }, poll);
    const from = seen.length;
    const ids = async (it: AsyncIterable<{ id?: string }>) => {
      const out: string[] = [];
      for await (const c of it) out.push(c.id!);
      return out.sort();
    };
    const id = (rg: string, name: string) => `/subscriptions/${s.profile.subscriptionId}/resourcegroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
    expect(await ids(aks.managedClusters.listByResourceGroup(RG))).toEqual([id(RG, 'earlyCluster'), id(RG, 'myAKSCluster')]);
    expect(await ids(aks.managedClusters.listByResourceGroup('otherGroup'))).toEqual([id('otherGroup', 'otherCluster')]);
    expect(await ids(aks.managedClusters.listByResourceGroup('emptyGroup'))).toEqual([]);
    expect(await ids(aks.managedClusters.list())).toEqual([id(RG, 'earlyCluster'), id(RG, 'myAKSCluster'), id('otherGroup', 'otherCluster')]);
    const e = await sdkError(ids(aks.managedClusters.listByResourceGroup('noSuchGroup')));
    expect([e.statusCode, e.code]).toEqual([404, 'ResourceGroupNotFound']);
    // The SDK's deserialized objects hide wire names (enableVtpm): check the raw bodies it received.
    const lists = seen.slice(from).filter((r) => r.status === 200 && /\/managedClusters$/i.test(new URL(r.url).pathname));
    expect(lists.map((r) => new URL(r.url).pathname.match(/\/resourceGroups\/([^/]+)\//i)?.[1] ?? 'subscription')).toEqual([RG, 'otherGroup', 'emptyGroup', 'subscription']);
    for (const r of lists) expect(conformanceErrors(AKS_SPEC, 'ManagedClusterListResult', r.body)).toEqual([]);
    const wire = (lists[0]!.body as { value: { name: string; properties: { agentPoolProfiles: { securityProfile: unknown }[] } }[] }).value.find((c) => c.name === 'myAKSCluster')!;
    expect(wire.properties.agentPoolProfiles[0]!.securityProfile).toEqual({ enableVTPM: true, enableSecureBoot: true });
  });

  it('az aks nodepool add --enable-vtpm; update --enable-secure-boot reimages; --disable-secure-boot and --disable-vtpm keep the TL image', async () => {
    const added = await aks.agentPools.beginCreateOrUpdateAndWait(RG, 'myAKSCluster', 'mynodepool', { count: 3, mode: 'User', securityProfile: { enableVtpm: true } }, poll);
    expect(added.securityProfile).toEqual({ enableVtpm: true, enableSecureBoot: false });
    expect(added.nodeImageVersion).toMatch(/gen2TLcontainerd/);
    const update = async (patch: AgentPool['securityProfile']) => {
      const cur = await aks.agentPools.get(RG, 'myAKSCluster', 'mynodepool');
      return aks.agentPools.beginCreateOrUpdateAndWait(RG, 'myAKSCluster', 'mynodepool', { ...cur, securityProfile: { ...cur.securityProfile, ...patch } }, poll);
    };
    const sb = await update({ enableSecureBoot: true });
    expect([sb.provisioningState, sb.securityProfile]).toEqual(['Succeeded', { enableVtpm: true, enableSecureBoot: true }]);
    const vms = await armRequest(s, 'GET', `/subscriptions/${s.profile.subscriptionId}/resourceGroups/MC_myResourceGroup_myAKSCluster_eastus/providers/Microsoft.Compute/virtualMachineScaleSets/${(await vmssOf('mynodepool')).name}/virtualMachines?api-version=2024-07-01`);
    expect(vms.json.value).toHaveLength(3);
    for (const vm of vms.json.value) {
      expect(vm.properties.latestModelApplied).toBe(true);
      expect(vm.properties.securityProfile.uefiSettings).toEqual({ secureBootEnabled: true, vTpmEnabled: true });
      expect(vm.properties.osProfile.computerName).toMatch(/^aks-mynodepool-\d{8}-vmss00000[0-2]$/);
    }
    const noSb = await update({ enableSecureBoot: false });
    expect(noSb.securityProfile).toEqual({ enableVtpm: true, enableSecureBoot: false });
    const none = await update({ enableVtpm: false });
    expect(none.securityProfile).toEqual({ enableVtpm: false, enableSecureBoot: false });
    expect(none.nodeImageVersion).toMatch(/gen2TLcontainerd/);
    const pools = [];
    for await (const p of aks.agentPools.list(RG, 'myAKSCluster')) pools.push(p.name);
    expect(pools).toEqual(['nodepool1', 'mynodepool']);
  });

  it('the pool created before registration can never enable Trusted Launch (TrustedLaunchIncompatibleWithConfig)', async () => {
    const cur = await aks.agentPools.get(RG, 'earlyCluster', 'nodepool1');
    const e = await sdkError(aks.agentPools.beginCreateOrUpdateAndWait(RG, 'earlyCluster', 'nodepool1', { ...cur, securityProfile: { enableVtpm: true } }, poll));
    expect([e.statusCode, e.code]).toEqual([400, 'TrustedLaunchIncompatibleWithConfig']);
  });

  const rules: [string, AgentPool, string][] = [
    ['Windows', { osType: 'Windows', count: 1 }, 'TrustedLaunchNotSupportedForWindows'],
    ['FIPS', { enableFips: true, count: 1 }, 'TrustedLaunchNotSupportedWithFIPS'],
    ['Arm64', { vmSize: 'Standard_D4ps_v6', count: 1 }, 'TrustedLaunchNotSupportedOnArm64'],
    ['availability set', { typePropertiesType: 'AvailabilitySet', count: 1 }, 'TrustedLaunchRequiresVirtualMachineScaleSets'],
    ['Gen1-only size', { vmSize: 'Standard_D2_v3', count: 1 }, 'VMSizeNotSupportedForTrustedLaunch'],
    ['Kubernetes 1.24', { orchestratorVersion: '1.24.10', count: 1 }, 'TrustedLaunchKubernetesVersionNotSupported'],
    ['GPU driver with Secure Boot', { vmSize: 'Standard_NC4as_T4_v3', count: 1, securityProfile: { enableSecureBoot: true } }, 'SecureBootRequiresSkippingGPUDriver'],
    ['ephemeral OS that does not fit', { osDiskType: 'Ephemeral', osDiskSizeGB: 86, count: 1 }, 'VMCannotFitEphemeralOSDisk'],
  ];
  for (const [what, pool, code] of rules) {
    it(`refuses ${what}: ${code}`, async () => {
      const e = await sdkError(aks.agentPools.beginCreateOrUpdateAndWait(RG, 'myAKSCluster', 'rule', { mode: 'User', securityProfile: { enableVtpm: true, enableSecureBoot: true }, ...pool }, poll));
      expect([e.statusCode, e.code]).toEqual([400, code]);
      await expect(aks.agentPools.get(RG, 'myAKSCluster', 'rule')).rejects.toMatchObject({ statusCode: 404 });
    });
  }

  it('allows a GPU pool with Secure Boot when the GPU driver install is skipped (gpuProfile.driver None)', async () => {
    const p = await aks.agentPools.beginCreateOrUpdateAndWait(RG, 'myAKSCluster', 'gpu', { mode: 'User', count: 1, vmSize: 'Standard_NC4as_T4_v3', gpuProfile: { driver: 'None' }, securityProfile: { enableSecureBoot: true, enableVtpm: true } }, poll);
    expect([p.provisioningState, p.gpuProfile, p.securityProfile]).toEqual(['Succeeded', { driver: 'None' }, { enableVtpm: true, enableSecureBoot: true }]);
    // gpuProfile is newer than the 2024-09-01 spec: the conformance sweep below meets it and
    // accepts it only through conformance.ts's UNDECLARED_ALLOWED.
    const raw = seen.findLast((r) => r.status === 200 && /\/agentPools\/gpu$/.test(new URL(r.url).pathname))!.body as { properties: Record<string, unknown> };
    expect(raw.properties.gpuProfile).toEqual({ driver: 'None' });
    expect(undeclaredProperties(AKS_SPEC, 'AgentPool', raw, {})).toEqual([expect.stringMatching(/^\/properties\/gpuProfile is not defined by ManagedClusterAgentPoolProfileProperties/)]);
    await aks.agentPools.beginDeleteAndWait(RG, 'myAKSCluster', 'gpu', poll);
  });

  it('refuses bad pool names with InvalidParameter (too long, uppercase)', async () => {
    for (const name of ['abcdefghijkl', 'MyPool']) {
      const e = await sdkError(aks.agentPools.beginCreateOrUpdateAndWait(RG, 'myAKSCluster', name, { count: 1 }, poll));
      expect([e.statusCode, e.code]).toEqual([400, 'InvalidParameter']);
    }
  });

  it('lists Kubernetes versions from 1.24 (so the 1.25.2 rule is a Trusted Launch rule)', async () => {
    const v = await aks.managedClusters.listKubernetesVersions('eastus');
    expect(v.values!.map((x) => x.version)).toContain('1.24');
    expect(v.values!.some((x) => x.isDefault)).toBe(true);
  });

  it('deletes a pool, then the cluster (202 + Location) and its node resource group', async () => {
    await aks.agentPools.beginDeleteAndWait(RG, 'myAKSCluster', 'mynodepool', poll);
    await expect(aks.agentPools.get(RG, 'myAKSCluster', 'mynodepool')).rejects.toMatchObject({ statusCode: 404 });
    await aks.managedClusters.beginDeleteAndWait(RG, 'earlyCluster', poll);
    await expect(resources.resourceGroups.get('MC_myResourceGroup_earlyCluster_eastus')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('every response the SDKs saw conforms to the official OpenAPI definitions', () => {
    const checked: Record<string, number> = {};
    const problems: string[] = [];
    const check = (spec: string, model: string, url: string, body: unknown) => {
      checked[model] = (checked[model] ?? 0) + 1;
      for (const e of conformanceErrors(spec, model, body)) problems.push(`${model} ${url}: ${e}`);
    };
    for (const r of seen) {
      if (r.status >= 300 || !r.body) continue;
      const path = new URL(r.url).pathname;
      if (/\/managedClusters\/[^/]+\/agentPools\/[^/]+$/i.test(path)) check(AKS_SPEC, 'AgentPool', path, r.body);
      else if (/\/managedClusters\/[^/]+\/agentPools$/i.test(path)) check(AKS_SPEC, 'AgentPoolListResult', path, r.body);
      else if (/\/managedClusters\/[^/]+$/i.test(path)) check(AKS_SPEC, 'ManagedCluster', path, r.body);
      else if (/\/managedClusters$/i.test(path)) check(AKS_SPEC, 'ManagedClusterListResult', path, r.body);
      else if (/\/listCluster(User|Admin)Credential$/i.test(path)) check(AKS_SPEC, 'CredentialResults', path, r.body);
      else if (/\/kubernetesVersions$/i.test(path)) check(AKS_SPEC, 'KubernetesVersionListResult', path, r.body);
      else if (/\/Microsoft\.Features\/.*features\/[^/]+(\/register)?$/i.test(path)) check(FEATURES_SPEC, 'FeatureResult', path, r.body);
      else if (/\/Microsoft\.Features\/features$/i.test(path)) check(FEATURES_SPEC, 'FeatureOperationsListResult', path, r.body);
    }
    expect(problems).toEqual([]);
    expect(Object.keys(checked).sort()).toEqual(['AgentPool', 'AgentPoolListResult', 'CredentialResults', 'FeatureOperationsListResult', 'FeatureResult', 'KubernetesVersionListResult', 'ManagedCluster', 'ManagedClusterListResult']);
  });
});

async function vmssOf(pool: string): Promise<{ name: string }> {
  const r = await armRequest(s, 'GET', `/subscriptions/${s.profile.subscriptionId}/resourceGroups/MC_myResourceGroup_myAKSCluster_eastus/providers/Microsoft.Compute/virtualMachineScaleSets?api-version=2024-07-01`);
  return r.json.value.find((v: { tags: Record<string, string> }) => v.tags['aks-managed-poolName'] === pool);
}
