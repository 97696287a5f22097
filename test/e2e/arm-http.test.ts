/**
 * The ARM HTTP contract below the SDKs: authentication and subscription scope, api-version
 * checks, 409 on concurrent operations, bad bodies (fast-check) that get 400 with the ARM
 * envelope and change nothing, and the official 2024-09-01 examples round-tripping with the
 * same shapes and conforming to the spec (types, enums and member names).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AKS_EXAMPLES, AKS_SPEC, FEATURES_SPEC, UNDECLARED_ALLOWED, conformanceErrors, schemaErrors, shapeOf, undeclaredProperties } from '../support/conformance.js';
import { armRequest, startServer, waitFor, type TestServer } from '../support/server.js';

let s: TestServer;
let SUB: string;
const V = 'api-version=2024-09-01';
const mc = (rg: string, name: string) => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;

beforeAll(async () => {
  s = await startServer();
  SUB = s.profile.subscriptionId;
  await armRequest(s, 'PUT', `/subscriptions/${SUB}/resourcegroups/rg1?api-version=2025-04-01`, { location: 'eastus' });
  const c = await armRequest(s, 'PUT', `${mc('rg1', 'c1')}?${V}`, { location: 'eastus', properties: { agentPoolProfiles: [{ name: 'nodepool1', count: 1, mode: 'System' }] } });
  expect(c.status).toBe(201);
  await waitFor(async () => (await armRequest(s, 'GET', `${mc('rg1', 'c1')}?${V}`)).json.properties.provisioningState === 'Succeeded', 'cluster Succeeded');
});

afterAll(async () => {
  await s?.stop();
});

describe('authentication and authorization', () => {
  it('401 without a token, with a malformed one, and with a forged one', async () => {
    const none = await armRequest(s, 'GET', `/subscriptions/${SUB}/resourcegroups?api-version=2025-04-01`, undefined, { token: null });
    expect([none.status, none.json.error.code]).toEqual([401, 'AuthenticationFailed']);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer /);
    const bad = await armRequest(s, 'GET', `/subscriptions/${SUB}/resourcegroups?api-version=2025-04-01`, undefined, { token: 'not.a.jwt' });
    expect([bad.status, bad.json.error.code]).toEqual([401, 'InvalidAuthenticationToken']);
    const [h, p] = s.profile.accessToken.split('.');
    const forged = await armRequest(s, 'GET', `/subscriptions/${SUB}/resourcegroups?api-version=2025-04-01`, undefined, { token: `${h}.${p}.${'A'.repeat(86)}` });
    expect(forged.status).toBe(401);
  });

  it('403 AuthorizationFailed for a subscription the principal is not scoped to', async () => {
    const other = '11111111-2222-3333-4444-555555555555';
    const r = await armRequest(s, 'GET', `/subscriptions/${other}/resourcegroups?api-version=2025-04-01`);
    expect([r.status, r.json.error.code]).toEqual([403, 'AuthorizationFailed']);
    expect(r.json.error.message).toMatch(new RegExp(`does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourceGroups/read' over scope '/subscriptions/${other}/resourcegroups'`));
  });

  it('issues tokens from the client-credentials endpoint and refuses a wrong secret', async () => {
    const form = (secret: string) => `grant_type=client_credentials&client_id=${s.profile.clientId}&client_secret=${encodeURIComponent(secret)}&scope=https%3A%2F%2Fmanagement.azure.com%2F.default`;
    const ok = await armRequest(s, 'POST', `/${s.profile.tenantId}/oauth2/v2.0/token`, undefined, { token: null, rawBody: form(s.profile.clientSecret), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(ok.status).toBe(200);
    expect(ok.json.token_type).toBe('Bearer');
    expect((await armRequest(s, 'GET', `/subscriptions/${SUB}?api-version=2022-12-01`, undefined, { token: ok.json.access_token })).status).toBe(200);
    const no = await armRequest(s, 'POST', `/${s.profile.tenantId}/oauth2/v2.0/token`, undefined, { token: null, rawBody: form('wrong'), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([no.status, no.json.error]).toEqual([401, 'invalid_client']);
  });
});

describe('api-version', () => {
  it('is required, and must be one the provider offers (from 2023-11-02-preview)', async () => {
    const missing = await armRequest(s, 'GET', mc('rg1', 'c1'));
    expect([missing.status, missing.json.error.code]).toEqual([400, 'MissingApiVersionParameter']);
    const old = await armRequest(s, 'GET', `${mc('rg1', 'c1')}?api-version=2023-10-02-preview`);
    expect([old.status, old.json.error.code]).toEqual([400, 'NoRegisteredProviderFound']);
    const preview = await armRequest(s, 'GET', `${mc('rg1', 'c1')}/agentPools/nodepool1?api-version=2023-11-02-preview`);
    expect(preview.status).toBe(200);
    expect(preview.json.properties.securityProfile).toEqual({ sshAccess: 'LocalUser', enableVTPM: false, enableSecureBoot: false });
    const stableWithout = await armRequest(s, 'GET', `${mc('rg1', 'c1')}/agentPools/nodepool1?api-version=2024-05-01`);
    expect(stableWithout.json.properties.securityProfile).toBeUndefined();
  });
});

describe('concurrency', () => {
  it('a second mutating operation on a busy pool gets 409 OperationNotAllowed; exactly one of two racing PUTs wins', async () => {
    const path = `${mc('rg1', 'c1')}/agentPools/race?${V}`;
    const [a, b] = await Promise.all([armRequest(s, 'PUT', path, { properties: { count: 2 } }), armRequest(s, 'PUT', path, { properties: { count: 3 } })]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.json.error.code).toBe('OperationNotAllowed');
    expect((await armRequest(s, 'DELETE', path)).status).toBe(409);
    await waitFor(async () => (await armRequest(s, 'GET', path)).json.properties.provisioningState === 'Succeeded', 'pool Succeeded');
    const del = await armRequest(s, 'DELETE', path);
    expect(del.status).toBe(202);
    expect(del.headers.location).toMatch(/\/providers\/Microsoft\.ContainerService\/locations\/eastus\/operationresults\//);
    await waitFor(async () => (await armRequest(s, 'GET', path)).status === 404, 'pool deleted');
  });
});

describe('bad requests get 400 with the ARM envelope and change nothing (property)', () => {
  const poolPath = () => `${mc('rg1', 'c1')}/agentPools/fuzz?${V}`;
  const snapshot = async () => JSON.stringify((await armRequest(s, 'GET', `${mc('rg1', 'c1')}/agentPools?${V}`)).json.value.map((p: { name: string; properties: { eTag: string } }) => [p.name, p.properties.eTag]));

  it('reads members case-insensitively, as the resource providers\' Json.NET does: enableVtpm is enableVTPM, Count is count', async () => {
    const pool = `${mc('rg1', 'c1')}/agentPools/casepool?${V}`;
    // The feature is not registered here: reading the flag is what refuses the pool.
    const tl = await armRequest(s, 'PUT', pool, { properties: { Count: 1, securityprofile: { enableVtpm: true } } });
    expect([tl.status, tl.json.error.code]).toEqual([400, 'SubscriptionNotRegisteredForFeature']);
    const plain = await armRequest(s, 'PUT', pool, { properties: { Count: 2, VMSize: 'Standard_DS2_v2' } });
    expect(plain.status, plain.text).toBe(201);
    expect([plain.json.properties.count, plain.json.properties.vmSize, plain.json.properties.Count, plain.json.properties.VMSize]).toEqual([2, 'Standard_DS2_v2', undefined, undefined]);
    await waitFor(async () => (await armRequest(s, 'GET', pool)).json.properties.provisioningState === 'Succeeded', 'casepool Succeeded');
    expect((await armRequest(s, 'DELETE', pool)).status).toBe(202);
    await waitFor(async () => (await armRequest(s, 'GET', pool)).status === 404, 'casepool deleted');
  });

  it('malformed JSON, wrong types and bad values', async () => {
    const before = await snapshot();
    const wrongTypes = fc.record({
      count: fc.oneof(fc.string(), fc.double({ noInteger: true }), fc.boolean(), fc.constant([1])),
      securityProfile: fc.oneof(fc.string(), fc.record({ enableVTPM: fc.oneof(fc.integer(), fc.string({ minLength: 1 }).filter((x) => x !== 'true' && x !== 'false')) })),
      osType: fc.string().filter((x) => !['linux', 'windows'].includes(x.toLowerCase())),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string().filter((t) => {
            try {
              const v = JSON.parse(t);
              return v === null || typeof v !== 'object' || Array.isArray(v);
            } catch {
              return true;
            }
          }).map((raw) => ({ raw })),
          wrongTypes.chain((w) => fc.subarray(Object.keys(w), { minLength: 1 }).map((ks) => ({ raw: JSON.stringify({ properties: Object.fromEntries(ks.map((k) => [k, w[k as keyof typeof w]])) }) }))),
        ),
        async ({ raw }) => {
          const r = await armRequest(s, 'PUT', poolPath(), undefined, { rawBody: raw });
          expect(r.status).toBe(400);
          expect(typeof r.json.error.code).toBe('string');
          expect(typeof r.json.error.message).toBe('string');
        },
      ),
      { numRuns: 150 },
    );
    expect(await snapshot()).toBe(before);
  });

  // Oversized bodies: a property over sizes around the limit, on this route among others, in arm-fuzz.test.ts.
});

describe('the official 2024-09-01 examples round-trip with the same shapes', () => {
  const example = (f: string) => JSON.parse(readFileSync(join(AKS_EXAMPLES, f), 'utf8'));
  // Values the platform cannot take as written: the examples' placeholder region, a Kubernetes
  // version long retired ("1.9.6"), and a 1-vCPU System pool, which the spec itself forbids
  // ("System agent pools VM SKU must have at least 2vCPUs and 4GB of memory").
  const adapt = (body: any) => {
    const b = JSON.parse(JSON.stringify(body).replaceAll('"location1"', '"eastus"'));
    for (const p of b.properties?.agentPoolProfiles ?? []) if (p.mode === 'System') p.vmSize = 'Standard_DS2_v2';
    return b;
  };
  const missing = (ours: unknown, theirs: unknown) => [...shapeOf(theirs)].filter((p) => !shapeOf(ours).has(p)).filter((p) => !/maxAgentPools|effectiveOutboundIPs|nodeImageVersion:|\.kubernetesVersion:/.test(p));

  it('ManagedClustersCreate_Update → PUT 201 and GET with every member of the example response', async () => {
    const ex = example('ManagedClustersCreate_Update.json');
    await armRequest(s, 'PUT', `/subscriptions/${SUB}/resourcegroups/exrg?api-version=2025-04-01`, { location: 'eastus' });
    const put = await armRequest(s, 'PUT', `${mc('exrg', 'clustername1')}?${V}`, adapt(ex.parameters.parameters));
    expect(put.status).toBe(201);
    expect(conformanceErrors(AKS_SPEC, 'ManagedCluster', put.json)).toEqual([]);
    expect(missing(put.json, adapt(ex.responses['201'].body))).toEqual([]);
    // Write-only secrets are never echoed.
    expect(JSON.stringify(put.json)).not.toMatch(/replacePassword1234|"secret"/);
    await waitFor(async () => (await armRequest(s, 'GET', `${mc('exrg', 'clustername1')}?${V}`)).json.properties.provisioningState === 'Succeeded', 'example cluster');
    const got = await armRequest(s, 'GET', `${mc('exrg', 'clustername1')}?${V}`);
    expect(conformanceErrors(AKS_SPEC, 'ManagedCluster', got.json)).toEqual([]);
    expect(missing(got.json, adapt(ex.responses['200'].body))).toEqual([]);
    // ManagedClustersGet.json describes a different cluster (customer-chosen outbound IPs), so it is
    // compared without the members only that cluster's request would have set.
    expect(missing(got.json, adapt(example('ManagedClustersGet.json').responses['200'].body)).filter((p) => !p.includes('loadBalancerProfile.outboundIPs'))).toEqual([]);
  });

  it('AgentPoolsCreate_Update, AgentPoolsGet, AgentPoolsList and the credential example', async () => {
    const ex = example('AgentPoolsCreate_Update.json');
    const path = `${mc('exrg', 'clustername1')}/agentPools/agentpool1?${V}`;
    const put = await armRequest(s, 'PUT', path, ex.parameters.parameters);
    expect(put.status).toBe(201);
    expect(conformanceErrors(AKS_SPEC, 'AgentPool', put.json)).toEqual([]);
    expect(missing(put.json, ex.responses['201'].body)).toEqual([]);
    await waitFor(async () => (await armRequest(s, 'GET', path)).json.properties.provisioningState === 'Succeeded', 'example pool');
    const got = await armRequest(s, 'GET', path);
    expect(conformanceErrors(AKS_SPEC, 'AgentPool', got.json)).toEqual([]);
    expect(missing(got.json, ex.responses['200'].body)).toEqual([]);
    expect(missing(got.json, example('AgentPoolsGet.json').responses['200'].body)).toEqual([]);
    const list = await armRequest(s, 'GET', `${mc('exrg', 'clustername1')}/agentPools?${V}`);
    expect(conformanceErrors(AKS_SPEC, 'AgentPoolListResult', list.json)).toEqual([]);
    expect(missing(list.json, example('AgentPoolsList.json').responses['200'].body)).toEqual([]);
    const creds = await armRequest(s, 'POST', `${mc('exrg', 'clustername1')}/listClusterUserCredential?${V}`);
    expect(conformanceErrors(AKS_SPEC, 'CredentialResults', creds.json)).toEqual([]);
    expect(missing(creds.json, example('ManagedClustersListClusterUserCredentials.json').responses['200'].body)).toEqual([]);
    const del = await armRequest(s, 'DELETE', path);
    expect(del.status).toBe(202);
    const ver = await armRequest(s, 'GET', `/subscriptions/${SUB}/providers/Microsoft.ContainerService/locations/eastus/kubernetesVersions?${V}`);
    expect(conformanceErrors(AKS_SPEC, 'KubernetesVersionListResult', ver.json)).toEqual([]);
    expect(missing(ver.json, example('KubernetesVersions_List.json').responses['200'].body)).toEqual([]);
  });

  it('ManagedClustersList → the example\'s own cluster, PUT as rg1/clustername1, listed by subscription and by resource group with every member of the example', async () => {
    const ex = example('ManagedClustersList.json');
    expect(Object.keys(ex.responses)).toEqual(['200']);
    const item = adapt(ex.responses['200'].body.value[0]);
    // The example's resource as a request: read-only members dropped (id, name, type, eTag,
    // provisioningState, fqdn, maxAgentPools, current*Version), the retired "1.9.6" and the
    // "location1" node resource group left to their defaults, and the 1-vCPU pool made a 2-vCPU
    // System pool (the spec: "System agent pools VM SKU must have at least 2vCPUs and 4GB of memory").
    const { provisioningState: _1, kubernetesVersion: _2, currentKubernetesVersion: _3, maxAgentPools: _4, fqdn: _5, nodeResourceGroup: _6, agentPoolProfiles, ...props } = item.properties;
    const pools = agentPoolProfiles.map(({ provisioningState: _7, orchestratorVersion: _8, currentOrchestratorVersion: _9, eTag: _10, ...p }: Record<string, unknown>) => ({ ...p, mode: 'System', vmSize: 'Standard_DS2_v2' }));
    const [rg, name] = ['rg1', 'clustername1'];
    const put = await armRequest(s, 'PUT', `${mc(rg, name)}?${V}`, { location: item.location, tags: item.tags, properties: { ...props, agentPoolProfiles: pools } });
    expect(put.status).toBe(201);
    await waitFor(async () => (await armRequest(s, 'GET', `${mc(rg, name)}?${V}`)).json.properties.provisioningState === 'Succeeded', 'list example cluster');
    const bySub = await armRequest(s, 'GET', `/subscriptions/${SUB}/providers/Microsoft.ContainerService/managedClusters?${V}`);
    const byGroup = await armRequest(s, 'GET', `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters?${V}`);
    const id = (g: string, n: string) => `/subscriptions/${SUB}/resourcegroups/${g}/providers/Microsoft.ContainerService/managedClusters/${n}`;
    for (const list of [bySub, byGroup]) {
      expect(list.status).toBe(200);
      expect(conformanceErrors(AKS_SPEC, 'ManagedClusterListResult', list.json)).toEqual([]);
      expect(missing(list.json, adapt(ex.responses['200'].body))).toEqual([]);
    }
    const ids = (l: { json: { value: { id: string }[] } }) => l.json.value.map((c) => c.id).sort();
    expect(ids(byGroup)).toEqual([id('rg1', 'c1'), id(rg, name)].sort());
    // By subscription: every group's clusters (exrg's, when the create example ran first), and no other.
    expect(ids(bySub)).toEqual(expect.arrayContaining([id('rg1', 'c1'), id(rg, name)]));
    expect(ids(bySub).every((x) => /\/resourcegroups\/(rg1|exrg)\//.test(x))).toBe(true);
    const mine = byGroup.json.value.find((c: { name: string }) => c.name === name);
    expect([mine.tags, mine.properties.diskEncryptionSetID, mine.properties.networkProfile.networkPlugin]).toEqual([item.tags, item.properties.diskEncryptionSetID, 'kubenet']);
    // A group with no cluster lists nothing; a group that does not exist is ARM's 404.
    await armRequest(s, 'PUT', `/subscriptions/${SUB}/resourcegroups/emptyrg?api-version=2025-04-01`, { location: 'eastus' });
    const empty = await armRequest(s, 'GET', `/subscriptions/${SUB}/resourceGroups/emptyrg/providers/Microsoft.ContainerService/managedClusters?${V}`);
    expect([empty.status, empty.json]).toEqual([200, { value: [] }]);
    expect(conformanceErrors(AKS_SPEC, 'ManagedClusterListResult', empty.json)).toEqual([]);
    const none = await armRequest(s, 'GET', `/subscriptions/${SUB}/resourceGroups/norg/providers/Microsoft.ContainerService/managedClusters?${V}`);
    expect([none.status, none.json.error.code]).toEqual([404, 'ResourceGroupNotFound']);
  });

  it('AgentPoolsDelete → 202 with Location (and Azure-AsyncOperation) and no body; the Location answers 202 until it is done, then 204; a second DELETE is 204', async () => {
    const ex = example('AgentPoolsDelete.json');
    expect(Object.keys(ex.responses).sort()).toEqual(['202', '204']);
    const path = `${mc('rg1', 'c1')}/agentPools/${ex.parameters.agentPoolName}?${V}`;
    expect((await armRequest(s, 'PUT', path, { properties: { count: 1 } })).status).toBe(201);
    await waitFor(async () => (await armRequest(s, 'GET', path)).json.properties.provisioningState === 'Succeeded', 'pool to delete');
    const del = await armRequest(s, 'DELETE', path);
    expect([del.status, del.text]).toEqual([202, '']);
    // The example's Location with its GUIDs as patterns: …/providers/Microsoft.ContainerService/locations/eastus/operationresults/{guid}?api-version=…
    const exLocation = new URL(ex.responses['202'].headers.location);
    const guid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
    const pattern = new RegExp(`^${exLocation.pathname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('00000000-0000-0000-0000-000000000000', guid)}$`);
    const location = new URL(del.headers.location as string);
    expect(location.pathname).toMatch(pattern);
    expect([...location.searchParams.keys()]).toEqual([...exLocation.searchParams.keys()]);
    const opId = location.pathname.split('/').pop();
    expect(new URL(del.headers['azure-asyncoperation'] as string).pathname).toBe(location.pathname.replace('/operationresults/', '/operations/'));
    expect(Number(del.headers['retry-after'])).toBeGreaterThanOrEqual(0);
    const seen: number[] = [];
    await waitFor(async () => {
      const r = await armRequest(s, 'GET', location.pathname + location.search);
      seen.push(r.status);
      if (r.status === 202) expect(r.headers.location).toBeDefined();
      return r.status !== 202 ? r : undefined;
    }, 'delete operation result');
    expect(seen.slice(0, -1).every((x) => x === 202)).toBe(true);
    expect(seen.at(-1)).toBe(204);
    const status = await armRequest(s, 'GET', new URL(del.headers['azure-asyncoperation'] as string).pathname + location.search);
    expect([status.json.name, status.json.status]).toEqual([opId, 'Succeeded']);
    expect((await armRequest(s, 'GET', path)).status).toBe(404);
    const again = await armRequest(s, 'DELETE', path);
    expect([again.status, again.text, again.headers.location]).toEqual([204, '', undefined]);
  });

  it('the conformance check itself rejects a wrong type and a bad enum', () => {
    const body = example('AgentPoolsGet.json').responses['200'].body;
    expect(conformanceErrors(AKS_SPEC, 'AgentPool', body)).toEqual([]);
    expect(conformanceErrors(AKS_SPEC, 'AgentPool', { ...body, properties: { ...body.properties, count: 'three' } })).not.toEqual([]);
    expect(conformanceErrors(AKS_SPEC, 'AgentPool', { ...body, properties: { ...body.properties, osType: 'Plan9' } })).not.toEqual([]);
  });

  it('the conformance check itself names a misnamed member that ajv lets through, and accepts the maps the spec declares', () => {
    const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
    // Each official example response is clean, so every finding below comes from the one mutation.
    const pool = example('AgentPoolsGet.json').responses['200'].body;
    const cluster = adapt(example('ManagedClustersCreate_Update.json').responses['200'].body);
    const list = example('ManagedClustersList.json').responses['200'].body;
    const versions = example('KubernetesVersions_List.json').responses['200'].body;
    const creds = example('ManagedClustersListClusterUserCredentials.json').responses['200'].body;
    const feature = { id: `/subscriptions/${SUB}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/TrustedLaunchPreview`, name: 'Microsoft.ContainerService/TrustedLaunchPreview', type: 'Microsoft.Features/providers/features', properties: { state: 'Registered' } };
    const clean: [string, string, string, unknown][] = [
      [AKS_SPEC, 'AgentPool', 'AgentPoolsGet', pool],
      [AKS_SPEC, 'ManagedCluster', 'ManagedClustersCreate_Update', cluster],
      [AKS_SPEC, 'ManagedClusterListResult', 'ManagedClustersList', list],
      [AKS_SPEC, 'AgentPoolListResult', 'AgentPoolsList', example('AgentPoolsList.json').responses['200'].body],
      [AKS_SPEC, 'KubernetesVersionListResult', 'KubernetesVersions_List', versions],
      [AKS_SPEC, 'CredentialResults', 'ManagedClustersListClusterUserCredentials', creds],
      [FEATURES_SPEC, 'FeatureResult', 'a feature', feature],
      [FEATURES_SPEC, 'FeatureOperationsListResult', 'a feature list', { value: [feature] }],
    ];
    for (const [spec, model, what, body] of clean) expect(conformanceErrors(spec, model, body), what).toEqual([]);

    const mutate = <T>(body: T, f: (b: any) => void): T => {
      const b = clone(body);
      f(b);
      return b;
    };
    const cases: [string, string, unknown, string][] = [
      // The Trusted Launch flags at the casing the .NET/JS SDK models use, not the wire's.
      [AKS_SPEC, 'AgentPool', mutate(pool, (b) => (b.properties.securityProfile = { enableVtpm: true, enableSecureBoot: true })), '/properties/securityProfile/enableVtpm'],
      [AKS_SPEC, 'AgentPool', mutate(pool, (b) => (b.properties.nodeImageVerison = 'AKSUbuntu-2204gen2TLcontainerd-202407.22.0')), '/properties/nodeImageVerison'],
      [AKS_SPEC, 'AgentPool', mutate(pool, (b) => (b.properties.enableFips = true)), '/properties/enableFips'],
      [AKS_SPEC, 'AgentPool', mutate(pool, (b) => (b.etag = b.properties.eTag)), '/etag'],
      // Through ManagedClusterAgentPoolProfile's allOf, inside an array.
      [AKS_SPEC, 'ManagedCluster', mutate(cluster, (b) => (b.properties.agentPoolProfiles[0].osDiskSizeGb = 128)), '/properties/agentPoolProfiles/0/osDiskSizeGb'],
      // Inside a declared map's values (identityProfile → UserAssignedIdentity), and an inline object.
      [AKS_SPEC, 'ManagedCluster', mutate(cluster, (b) => (b.properties.identityProfile = { kubeletidentity: { resourceID: '/x' } })), '/properties/identityProfile/kubeletidentity/resourceID'],
      [AKS_SPEC, 'ManagedCluster', mutate(cluster, (b) => (b.properties.networkProfile.loadBalancerProfile.managedOutboundIPs.Count = 2)), '/properties/networkProfile/loadBalancerProfile/managedOutboundIPs/Count'],
      // The common-types parent (TrackedResource) through a cross-file $ref.
      [AKS_SPEC, 'ManagedCluster', mutate(cluster, (b) => (b.systemdata = {})), '/systemdata'],
      [AKS_SPEC, 'ManagedClusterListResult', mutate(list, (b) => (b.value[0].properties.fqdnSubDomain = 'x')), '/value/0/properties/fqdnSubDomain'],
      [AKS_SPEC, 'KubernetesVersionListResult', mutate(versions, (b) => (Object.values(b.values[0].patchVersions as Record<string, any>)[0].upgrade = [])), `/values/0/patchVersions/${Object.keys(versions.values[0].patchVersions)[0]}/upgrade`],
      [AKS_SPEC, 'CredentialResults', mutate(creds, (b) => (b.kubeconfigs[0].kubeConfig = b.kubeconfigs[0].value)), '/kubeconfigs/0/kubeConfig'],
      [FEATURES_SPEC, 'FeatureResult', mutate(feature, (b) => (b.properties.State = 'Registered')), '/properties/State'],
      [FEATURES_SPEC, 'FeatureOperationsListResult', mutate({ value: [feature] }, (b) => (b.nextlink = '')), '/nextlink'],
    ];
    for (const [spec, model, body, path] of cases) {
      // ajv alone passes every one of them: the specs never forbid additional properties.
      expect(schemaErrors(spec, model, body), path).toEqual([]);
      const found = undeclaredProperties(spec, model, body);
      expect(found, path).toHaveLength(1);
      expect(found[0]!.startsWith(`${path} is not defined by `), found[0]).toBe(true);
      expect(conformanceErrors(spec, model, body)).toEqual(found);
    }
    // Free keys where the spec declares a map: tags, nodeLabels, identityProfile, patchVersions, userAssignedIdentities.
    const maps = mutate(cluster, (b) => {
      b.tags = { 'any key': 'v', enableVtpm: 'x' };
      b.properties.agentPoolProfiles[0].nodeLabels = { 'kubernetes.azure.com/x': 'y' };
      b.properties.identityProfile = { anyName: { resourceId: '/x', clientId: 'c', objectId: 'o' } };
    });
    expect(conformanceErrors(AKS_SPEC, 'ManagedCluster', maps)).toEqual([]);
    // Each allowed member is one the spec really lacks (no stale entries), found without the list.
    // (A new entry names the model and the place its definition is reached from.)
    const where: Record<string, [string, string, (member: string) => unknown]> = {
      ManagedClusterAgentPoolProfileProperties: [AKS_SPEC, 'AgentPool', (m) => ({ properties: { [m]: {} } })],
    };
    for (const key of Object.keys(UNDECLARED_ALLOWED)) {
      const [def, member] = key.split('.') as [string, string];
      expect(where[def], key).toBeDefined();
      const [spec, model, probe] = where[def]!;
      expect(undeclaredProperties(spec, model, probe(member), {}), key).toEqual([expect.stringMatching(new RegExp(`/${member} is not defined by ${def}`))]);
      expect(undeclaredProperties(spec, model, probe(member)), key).toEqual([]);
    }
    // …but a map's values are still checked against the map's value type.
    expect(undeclaredProperties(AKS_SPEC, 'ManagedCluster', mutate(cluster, (b) => (b.identity.userAssignedIdentities[Object.keys(b.identity.userAssignedIdentities)[0]!] = { principalID: 'p' })))).toHaveLength(1);
  });
});
