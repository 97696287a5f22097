/**
 * Bad requests, generated (fast-check): malformed JSON, wrong types, huge values and unknown
 * api-versions sent to the managed-cluster PUT, the resource-group PUT and the feature and provider
 * register/unregister POSTs always get 400 with ARM's envelope ({error:{code,message}}), never a
 * 500, and change nothing: every resource the server holds reads the same before and after (eTags
 * and provisioning states included), no operation is started (no Azure-AsyncOperation), no feature
 * or provider moves. And the 4 MB body limit, as a property over sizes around it: a body of the
 * limit or less is read, one byte more is refused with InvalidRequestContent, with or without a
 * Content-Length. (The agent-pool PUT body is fuzzed in arm-http.test.ts.)
 */
import { request as httpsRequest } from 'node:https';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSIONS } from '../../src/api/arm/versions.js';
import { armRequest, startServer, waitFor, type TestServer } from '../support/server.js';

let s: TestServer;
let SUB: string;
const AKS = 'api-version=2024-09-01';
const RES = 'api-version=2025-04-01';
const FEAT = 'api-version=2021-07-01';
const mc = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/${name}`;
const rg = (name: string) => `/subscriptions/${SUB}/resourcegroups/${name}`;
const feature = (name: string) => `/subscriptions/${SUB}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/${name}`;
const provider = (ns: string) => `/subscriptions/${SUB}/providers/${ns}`;
/** ARM's request limit, as the server enforces it (src/api/app.ts MAX_BODY_BYTES). */
const LIMIT = 4 * 1024 * 1024;

beforeAll(async () => {
  s = await startServer();
  SUB = s.profile.subscriptionId;
  expect((await armRequest(s, 'PUT', `${rg('rg1')}?${RES}`, { location: 'eastus', tags: { team: 'a' } })).status).toBe(201);
  expect((await armRequest(s, 'PUT', `${mc('c1')}?${AKS}`, { location: 'eastus', properties: { agentPoolProfiles: [{ name: 'nodepool1', count: 1, mode: 'System' }] } })).status).toBe(201);
  await waitFor(async () => (await armRequest(s, 'GET', `${mc('c1')}?${AKS}`)).json.properties.provisioningState === 'Succeeded', 'cluster Succeeded');
  // A registered feature, so that a bad unregister has something to change.
  await armRequest(s, 'POST', `${feature('AKS-GPUDedicatedVHDPreview')}/register?${FEAT}`);
  await waitFor(async () => (await armRequest(s, 'GET', `${feature('AKS-GPUDedicatedVHDPreview')}?${FEAT}`)).json.properties.state === 'Registered', 'feature Registered');
});

afterAll(async () => {
  await s?.stop();
});

/** Everything a bad request could have changed, as the API reads it. */
async function world(): Promise<unknown> {
  const get = async (path: string) => {
    const r = await armRequest(s, 'GET', path);
    expect(r.status, path).toBe(200);
    return r.json;
  };
  return {
    groups: await get(`/subscriptions/${SUB}/resourcegroups?${RES}`),
    clusters: await get(`/subscriptions/${SUB}/providers/Microsoft.ContainerService/managedClusters?${AKS}`),
    pools: await get(`${mc('c1')}/agentPools?${AKS}`),
    features: await get(`/subscriptions/${SUB}/providers/Microsoft.Features/features?${FEAT}`),
    providers: (await get(`/subscriptions/${SUB}/providers?${RES}`)).value.map((p: { namespace: string; registrationState: string }) => [p.namespace, p.registrationState]),
  };
}

type Reply = Awaited<ReturnType<typeof armRequest>>;

/** 400, ARM's envelope, no operation started. */
function refused(r: Reply, code?: string): void {
  expect(r.status, r.text).toBe(400);
  expect(Object.keys(r.json)).toEqual(['error']);
  expect(typeof r.json.error.code).toBe('string');
  expect(typeof r.json.error.message).toBe('string');
  expect(r.json.error.message.length).toBeGreaterThan(0);
  if (code !== undefined) expect(r.json.error.code, r.json.error.message).toBe(code);
  expect(r.headers['azure-asyncoperation']).toBeUndefined();
  expect(r.headers.location).toBeUndefined();
}

// --- generators -------------------------------------------------------------------------------

/** Text that is not a JSON object: malformed JSON, or JSON of another type (the body must be an object). */
const notAnObject = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('{', '{"location":', '{"location":"eastus"', "{'location':'eastus'}", '{"location":"eastus",}', '[]', 'null', '3', '"eastus"', 'true', '\u00ef\u00bb\u00bf{}x'),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 200_000 }).map((n) => `{"location":"${'x'.repeat(n)}`),
).filter((t) => {
  try {
    const v = JSON.parse(t) as unknown;
    return v === null || typeof v !== 'object' || Array.isArray(v);
  } catch {
    return true;
  }
});

/** Values of every JSON type but `string`, including huge ones. */
// (No NaN or ±Infinity: JSON.stringify writes them as null, which ARM reads as "not set".)
const notAString = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant([] as unknown), fc.constant({} as unknown), fc.array(fc.string(), { minLength: 1, maxLength: 3 }));
const notABoolean = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string().filter((x) => x !== 'true' && x !== 'false'), fc.constant([] as unknown), fc.constant({} as unknown));
const notAnInt32 = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e308, -1e308),
  fc.constant([1] as unknown),
);
const notAnObjectValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }));
/** A string/value map with at least one non-string value. */
const badMap = fc.oneof(notAnObjectValue, fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant({})), { minKeys: 1, maxKeys: 50 }).filter((d) => Object.values(d).some((v) => v !== null)));
/** Not one of the enum's values (in any case). */
const notIn = (values: string[]) => fc.oneof(fc.string(), fc.string({ minLength: 10_000, maxLength: 10_000 })).filter((x) => !values.some((v) => v.toLowerCase() === x.toLowerCase()));

/** A body mutation: `content` when ARM's deserializer refuses it (InvalidRequestContent) whatever else the body says. */
interface Mutation {
  readonly at: string;
  readonly apply: (b: any) => void;
  readonly content: boolean;
}
const set = (at: string, value: unknown, content = true): Mutation => ({
  at,
  content,
  apply: (b) => {
    const path = at.split('.');
    let o = b;
    for (const k of path.slice(0, -1)) {
      if (o === null || typeof o !== 'object' || o[k] === null || typeof o[k] !== 'object') return; // an earlier mutation replaced the parent
      o = o[k];
    }
    if (o && typeof o === 'object') o[path.at(-1)!] = value;
  },
});
const del = (at: string): Mutation => set(at, undefined); // JSON.stringify drops it

/** Bodies built from a valid one by at least one mutation that each makes it invalid on its own. */
function mutated(base: () => Record<string, unknown>, mutations: fc.Arbitrary<Mutation>[]): fc.Arbitrary<{ raw: string; content: boolean; what: string }> {
  return fc
    .uniqueArray(fc.integer({ min: 0, max: mutations.length - 1 }), { minLength: 1, maxLength: 4 })
    .chain((ix) => fc.tuple(...ix.sort((a, b) => a - b).map((i) => mutations[i]!)))
    .map((chosen) => {
      // One mutation per member (the last chosen), deepest first: a parent replaced afterwards
      // (always a wrong type) still makes the body one the deserializer refuses.
      const ms = [...new Map(chosen.map((m) => [m.at, m])).values()].sort((x, y) => y.at.split('.').length - x.at.split('.').length);
      const b = base();
      for (const m of ms) m.apply(b);
      return { raw: JSON.stringify(b), content: ms.some((m) => m.content), what: ms.map((m) => m.at).join(', ') };
    });
}

/** Query values that are not an api-version the route accepts (nor the same with other case or spaces). */
const badApiVersion = (table: string) => {
  const accepted = API_VERSIONS[table]!;
  return fc
    .oneof(
      fc.string({ maxLength: 30 }),
      fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.tuple(fc.constantFrom(...accepted), fc.constantFrom('-preview', '-01', '.', 'x', '-privatepreview')).map(([v, x]) => v + x),
      fc.constantFrom('2023-10-02-preview', '1999-01-01', '2099-01-01', 'latest', '2024-09-01,2024-09-01', 'x'.repeat(10_000)),
    )
    .filter((v) => v !== '' && !accepted.some((a) => a.toLowerCase() === v.trim().toLowerCase()));
};

// --- properties -------------------------------------------------------------------------------

describe('bad managed-cluster PUTs get 400 with the ARM envelope and change nothing (property)', () => {
  // c1's own create body: accepted as it is on both targets (an update of c1, or a new cluster),
  // so each mutation alone is what gets a body refused.
  const base = () => ({ location: 'eastus', properties: { agentPoolProfiles: [{ name: 'nodepool1', count: 1, mode: 'System' }] } });
  const p0 = 'properties.agentPoolProfiles.0';
  const mutations: fc.Arbitrary<Mutation>[] = [
    notAString.map((v) => set('location', v)),
    fc.constant(del('location')),
    badMap.map((v) => set('tags', v)),
    notAnObjectValue.map((v) => set('properties', v)),
    fc.oneof(notAnObjectValue, fc.record({ tier: notIn(['Free', 'Standard', 'Premium']) }), fc.record({ name: notIn(['Base', 'Automatic', 'Basic']) })).map((v) => set('sku', v)),
    notAString.map((v) => set('properties.kubernetesVersion', v)),
    notAString.map((v) => set('properties.dnsPrefix', v)),
    // Well-typed but no Kubernetes version at all: refused by the platform, not the deserializer.
    fc.string({ minLength: 1, maxLength: 100_000 }).filter((v) => !/^\s*\d+\.\d+(\.\d+)?\s*$/.test(v)).map((v) => set('properties.kubernetesVersion', v, false)),
    fc.oneof(fc.string(), fc.integer(), fc.constant({ name: 'nodepool1' } as unknown)).map((v) => set('properties.agentPoolProfiles', v)),
    notAnInt32.map((v) => set(`${p0}.count`, v)),
    fc.oneof(fc.integer({ min: 1001 }), fc.integer({ max: -1 })).map((v) => set(`${p0}.count`, v)),
    fc.oneof(notAString, fc.constant('')).map((v) => set(`${p0}.name`, v)),
    fc.constant(del(`${p0}.name`)),
    notIn(['Linux', 'Windows']).map((v) => set(`${p0}.osType`, v)),
    notIn(['System', 'User']).map((v) => set(`${p0}.mode`, v)),
    notAString.map((v) => set(`${p0}.vmSize`, v)),
    notAnInt32.map((v) => set(`${p0}.maxPods`, v)),
    fc.oneof(notAnInt32, fc.integer({ min: 2049 })).map((v) => set(`${p0}.osDiskSizeGB`, v)),
    notAnObjectValue.map((v) => set(`${p0}.securityProfile`, v)),
    notABoolean.map((v) => set(`${p0}.securityProfile`, { enableVTPM: v })),
    notABoolean.map((v) => set(`${p0}.securityProfile`, { enableSecureBoot: v })),
    fc.oneof(notAnObjectValue.filter((v) => !Array.isArray(v)), fc.array(fc.integer(), { minLength: 1 })).map((v) => set(`${p0}.availabilityZones`, v)),
  ];

  it('malformed JSON, wrong types, huge values — on an existing cluster (update) and a new one (create)', async () => {
    const before = await world();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('c1', 'fuzzc'),
        fc.oneof(notAnObject.map((raw) => ({ raw, content: true, what: 'not a JSON object' })), mutated(base, mutations)),
        async (name, { raw, content }) => {
          const r = await armRequest(s, 'PUT', `${mc(name)}?${AKS}`, undefined, { rawBody: raw });
          refused(r, content ? 'InvalidRequestContent' : undefined);
          expect(await world()).toEqual(before);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('an api-version the provider does not offer, with a body that would otherwise be accepted', async () => {
    const before = await world();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('c1', 'fuzzc'), badApiVersion('containerService'), async (name, v) => {
        const r = await armRequest(s, 'PUT', `${mc(name)}?api-version=${encodeURIComponent(v)}`, { ...base(), properties: { ...base().properties, agentPoolProfiles: [{ name: 'nodepool1', count: 2, mode: 'System' }] } });
        refused(r, 'NoRegisteredProviderFound');
        expect(await world()).toEqual(before);
      }),
      { numRuns: 40 },
    );
    const missing = await armRequest(s, 'PUT', mc('fuzzc'), base());
    refused(missing, 'MissingApiVersionParameter');
    expect(await world()).toEqual(before);
  });
});

describe('bad resource-group PUTs get 400 with the ARM envelope and change nothing (property)', () => {
  // Accepted as it is on both targets (new tags for rg1, or a new group).
  const base = () => ({ location: 'eastus', tags: { team: 'b' } });
  const mutations: fc.Arbitrary<Mutation>[] = [
    notAString.map((v) => set('location', v)),
    fc.constant(del('location')),
    badMap.map((v) => set('tags', v)),
    // Well-typed, but no region: refused by the platform (LocationNotAvailableForResourceGroup / InvalidResourceGroupLocation).
    // (A character no region name has, so that it is never one.)
    fc.string({ maxLength: 100_000 }).filter((v) => /[^A-Za-z0-9\s]/.test(v)).map((v) => set('location', v, false)),
  ];

  it('malformed JSON, wrong types, huge values — on an existing group and a new one', async () => {
    const before = await world();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('rg1', 'fuzzrg'),
        fc.oneof(notAnObject.map((raw) => ({ raw, content: true, what: 'not a JSON object' })), mutated(base, mutations)),
        async (name, { raw, content }) => {
          const r = await armRequest(s, 'PUT', `${rg(name)}?${RES}`, undefined, { rawBody: raw });
          refused(r, content ? 'InvalidRequestContent' : undefined);
          expect(await world()).toEqual(before);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('an api-version Microsoft.Resources does not offer: InvalidApiVersionParameter naming the supported ones', async () => {
    const before = await world();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('rg1', 'fuzzrg'), badApiVersion('resources'), async (name, v) => {
        const r = await armRequest(s, 'PUT', `${rg(name)}?api-version=${encodeURIComponent(v)}`, base());
        refused(r, 'InvalidApiVersionParameter');
        expect(r.json.error.message).toBe(`The api-version '${v}' is invalid. The supported versions are '${[...API_VERSIONS.resources!].reverse().join(',')}'.`);
        expect(await world()).toEqual(before);
      }),
      { numRuns: 40 },
    );
  });
});

describe('bad feature and provider register/unregister POSTs get 400 with the ARM envelope and change nothing (property)', () => {
  // Each target is in the state its verb would change: TrustedLaunchPreview NotRegistered,
  // AKS-GPUDedicatedVHDPreview Registered, Microsoft.Attestation NotRegistered, Microsoft.Compute Registered.
  const targets = () => [
    { path: `${feature('TrustedLaunchPreview')}/register`, table: 'features', badVersion: 'NoRegisteredProviderFound', consent: false },
    { path: `${feature('AKS-GPUDedicatedVHDPreview')}/unregister`, table: 'features', badVersion: 'NoRegisteredProviderFound', consent: false },
    { path: `${provider('Microsoft.Attestation')}/register`, table: 'resources', badVersion: 'InvalidApiVersionParameter', consent: true },
    { path: `${provider('Microsoft.Compute')}/unregister`, table: 'resources', badVersion: 'InvalidApiVersionParameter', consent: false },
  ];
  const version = (table: string) => (table === 'features' ? FEAT : RES);

  it('a body that is not a JSON object, or (provider register) a ProviderRegistrationRequest of the wrong types', async () => {
    const before = await world();
    // providers/register's optional body (Microsoft.Resources 2021-04-01+): { thirdPartyProviderConsent: { consentToAuthorization: boolean } }.
    const badConsent = fc.oneof(
      notAnObjectValue.map((v) => ({ thirdPartyProviderConsent: v })),
      notABoolean.map((v) => ({ thirdPartyProviderConsent: { consentToAuthorization: v } })),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets()), fc.oneof(notAnObject.filter((t) => t.trim() !== ''), badConsent.map((b) => JSON.stringify(b))), async (t, raw) => {
        fc.pre(t.consent || raw.trim().startsWith('{') === false);
        const r = await armRequest(s, 'POST', `${t.path}?${version(t.table)}`, undefined, { rawBody: raw });
        refused(r, 'InvalidRequestContent');
        expect(await world()).toEqual(before);
      }),
      { numRuns: 120 },
    );
  });

  it('query strings: no api-version, or one the namespace does not offer', async () => {
    const before = await world();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets()), fc.oneof(fc.constant(undefined), fc.constantFrom('features', 'resources').chain((tbl) => badApiVersion(tbl))), async (t, v) => {
        fc.pre(v === undefined || !API_VERSIONS[t.table]!.some((a) => a.toLowerCase() === v.trim().toLowerCase()));
        const r = await armRequest(s, 'POST', v === undefined ? t.path : `${t.path}?api-version=${encodeURIComponent(v)}`);
        refused(r, v === undefined ? 'MissingApiVersionParameter' : t.badVersion);
        expect(await world()).toEqual(before);
      }),
      { numRuns: 80 },
    );
  });

  it('what these verbs do accept: no body, an empty one, an object (and a well-typed consent) — so the refusals above are about the input', async () => {
    const r1 = await armRequest(s, 'POST', `${provider('Microsoft.Attestation')}/register?${RES}`, { thirdPartyProviderConsent: { consentToAuthorization: true } });
    expect([r1.status, r1.json.registrationState]).toEqual([200, 'Registering']);
    const r2 = await armRequest(s, 'POST', `${feature('TrustedLaunchPreview')}/register?${FEAT}`, undefined, { rawBody: '' });
    expect([r2.status, r2.json.properties.state]).toEqual([200, 'Registering']);
    const r3 = await armRequest(s, 'POST', `${feature('AKS-GPUDedicatedVHDPreview')}/unregister?${FEAT}`, {});
    expect([r3.status, r3.json.properties.state]).toEqual([200, 'Unregistering']);
    // Let the three transitions finish, so that the next snapshot holds still.
    await waitFor(async () => (await armRequest(s, 'GET', `${provider('Microsoft.Attestation')}?${RES}`)).json.registrationState === 'Registered', 'provider Registered');
    await waitFor(async () => (await armRequest(s, 'GET', `${feature('TrustedLaunchPreview')}?${FEAT}`)).json.properties.state === 'Registered', 'feature Registered');
    await waitFor(async () => (await armRequest(s, 'GET', `${feature('AKS-GPUDedicatedVHDPreview')}?${FEAT}`)).json.properties.state === 'Unregistered', 'feature Unregistered');
  });
});

describe('the body limit (property over sizes around it)', () => {
  /** A request whose body is sent with a Content-Length, or chunked without one. */
  function send(method: string, path: string, body: Buffer, chunked: boolean): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(new URL(path, s.url), {
        method,
        ca: s.ca,
        headers: { authorization: `Bearer ${s.profile.accessToken}`, 'content-type': 'application/json', ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) }) },
      });
      req.on('response', (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: r.statusCode ?? 0, headers: r.headers, text, json: text ? JSON.parse(text) : undefined });
        });
      });
      req.on('error', reject);
      if (chunked) for (let i = 0; i < body.length; i += 256 * 1024) req.write(body.subarray(i, i + 256 * 1024));
      else req.write(body);
      req.end();
    });
  }
  /** `json` padded with trailing whitespace (still the same JSON) to exactly `size` bytes. */
  const padded = (json: unknown, size: number) => {
    const text = JSON.stringify(json);
    return Buffer.concat([Buffer.from(text), Buffer.alloc(size - Buffer.byteLength(text), ' ')]);
  };

  it('a body of the limit or less is read and applied; one byte more is refused with InvalidRequestContent, whatever the route', async () => {
    const before = await world();
    const group = (await armRequest(s, 'GET', `${rg('rg1')}?${RES}`)).json;
    const over = [
      { method: 'PUT', path: `${rg('rg1')}?${RES}`, json: { location: 'eastus', tags: { team: 'changed' } } },
      { method: 'PUT', path: `${mc('c1')}?${AKS}`, json: { location: 'eastus', properties: { agentPoolProfiles: [{ name: 'nodepool1', count: 2, mode: 'System' }] } } },
      { method: 'PUT', path: `${mc('c1')}/agentPools/big?${AKS}`, json: { properties: { count: 1 } } },
      { method: 'POST', path: `${feature('NodeOsUpgradeChannelPreview')}/register?${FEAT}`, json: {} },
    ];
    await fc.assert(
      // Offsets around the limit, and one body of twice the limit.
      fc.asyncProperty(fc.oneof(fc.constantFrom(0, 1, -1, LIMIT), fc.integer({ min: -4096, max: 4096 })), fc.boolean(), fc.constantFrom(...over), async (offset, chunked, target) => {
        const size = LIMIT + offset;
        if (size <= LIMIT) {
          // Accepted: the group PUT again with what it holds (200, the group unchanged).
          const r = await send('PUT', `${rg('rg1')}?${RES}`, padded({ location: 'eastus', tags: group.tags }, size), chunked);
          expect([r.status, r.json]).toEqual([200, group]);
        } else {
          const r = await send(target.method, target.path, padded(target.json, size), chunked);
          refused(r, 'InvalidRequestContent');
          expect(r.json.error.message).toContain(`${LIMIT}-byte limit`);
        }
        expect(await world()).toEqual(before);
      }),
      { numRuns: 24 },
    );
  });
});
