/**
 * A real boot chain nobody here wrote — Debian's Microsoft-signed shim, Debian-signed grub and
 * kernel, a sample of the kernel's signed modules, OVMF's Microsoft PK/KEK/db/dbx — imported as a
 * node image and booted by a Secure Boot + vTPM pool: every node attests Healthy against the
 * reference values compiled from those binaries (Authenticode digests, authorities, SBAT level,
 * command line, module digests). The token says the db/dbx were validated and, since these are
 * OVMF's keys and not the platform's, that the default Secure Boot keys were not.
 * A changed command line on one node is then caught and named.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDebianChain, IMAGE_API as P } from '../support/debian-image.js';
import { registerTrustedLaunch } from '../support/kube.js';
import { armRequest, startServer, waitFor, type TestServer } from '../support/server.js';

let s: TestServer;
let SUB: string;
const V = 'api-version=2024-09-01';
const MC = () => `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c`;

const attestations = async (): Promise<any[]> => (await armRequest(s, 'GET', `${MC()}/providers/TrustedLaunch.Platform/attestations?${P}`)).json.value;

beforeAll(async () => {
  s = await startServer();
  SUB = s.profile.subscriptionId;
  await registerTrustedLaunch(s);
  await armRequest(s, 'PUT', `/subscriptions/${SUB}/resourcegroups/rg?api-version=2025-04-01`, { location: 'eastus' });
  await armRequest(s, 'PUT', `${MC()}?${V}`, { location: 'eastus', properties: { agentPoolProfiles: [{ name: 'nodepool1', count: 1, mode: 'System' }] } });
  const put = await importDebianChain(s);
  expect(put.status, put.text).toBe(201);
  await waitFor(async () => (await armRequest(s, 'GET', `${MC()}?${V}`)).json.properties.provisioningState === 'Succeeded', 'cluster', 30_000);
  const pool = await armRequest(s, 'PUT', `${MC()}/agentPools/debian?${V}`, {
    properties: { count: 2, mode: 'User', securityProfile: { enableVTPM: true, enableSecureBoot: true }, creationData: { sourceResourceId: '/providers/TrustedLaunch.Platform/nodeImages/debian12' } },
  });
  expect(pool.status, pool.text).toBe(201);
  await waitFor(async () => {
    const a = (await attestations()).filter((x) => x.properties.agentPool === 'debian');
    return a.length === 2 && a.every((x) => ['Healthy', 'Unhealthy', 'PlatformError'].includes(x.properties.status)) && a;
  }, 'the Debian nodes to be attested', 90_000);
}, 300_000);

afterAll(async () => {
  await s?.stop();
});

describe("Debian's real boot chain under attestation", () => {
  it('attests every node Healthy against reference values compiled from its binaries', async () => {
    const debian = (await attestations()).filter((x) => x.properties.agentPool === 'debian');
    for (const a of debian) {
      expect(a.properties).toMatchObject({ status: 'Healthy', findings: [], nodeImage: 'debian12' });
      const one = (await armRequest(s, 'GET', `${MC()}/providers/TrustedLaunch.Platform/attestations/${a.name}?${P}`)).json.properties;
      expect(decodeJwt(one.token)).toMatchObject({
        secureboot: true,
        'x-ms-azurevm-osdistro': 'Debian',
        'x-ms-azurevm-osversion-major': 12,
        'x-ms-azurevm-dbvalidated': true,
        'x-ms-azurevm-dbxvalidated': true,
        'x-ms-azurevm-default-securebootkeysvalidated': false,
      });
    }
  });

  it("names Debian's kernel command line when a rootkit changes it", async () => {
    const [a] = (await attestations()).filter((x) => x.properties.agentPool === 'debian');
    const vm = a.properties.resourceId as string;
    expect((await armRequest(s, 'POST', `${vm}/tamper?api-version=2024-07-01`, { component: 'cmdline' })).status).toBe(200);
    expect((await armRequest(s, 'POST', `${vm}/restart?api-version=2024-07-01`)).status).toBe(202);
    const bad = await waitFor(async () => {
      const x = (await attestations()).find((y) => y.name === a.name);
      return x.properties.status === 'Unhealthy' && x;
    }, 'the Debian node to attest Unhealthy', 30_000);
    expect(bad.properties.findings).toEqual([expect.objectContaining({ id: 'kernel.cmdline_modified', expected: expect.stringMatching(/^\/boot\/vmlinuz-\S+-amd64 root=\/dev\/sda1 ro quiet$/) })]);
  });
});
