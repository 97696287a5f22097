/**
 * A real boot chain nobody here wrote (issue 7): Debian's Microsoft-signed shim, Debian-signed
 * grub and kernel, a sample of the kernel's signed modules with the kernel's built-in key, and
 * the Microsoft db of ovmf's OVMF_VARS_4M.ms.fd — imported as a node image and booted by a pool
 * with Secure Boot and vTPM on. A modified copy of the kernel is refused, naming the kernel and
 * the Debian signer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDebianChain } from '../support/debian-image.js';
import { registerTrustedLaunch } from '../support/kube.js';
import { armRequest, startServer, waitFor, type TestServer } from '../support/server.js';

let s: TestServer;
let SUB: string;
const V = 'api-version=2024-09-01';
const MC = () => `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c`;
const NODE_RG = 'MC_rg_c_eastus';

async function poolVms(pool: string): Promise<{ instanceId: string; properties: { osProfile: { computerName: string } } }[]> {
  const sets = await armRequest(s, 'GET', `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets?api-version=2024-07-01`);
  const vmss = sets.json.value.find((v: { tags: Record<string, string> }) => v.tags['aks-managed-poolName'] === pool).name;
  return (await armRequest(s, 'GET', `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss}/virtualMachines?api-version=2024-07-01`)).json.value.map((v: object) => ({ ...v, vmss }));
}

beforeAll(async () => {
  s = await startServer();
  SUB = s.profile.subscriptionId;
  await registerTrustedLaunch(s);
  await armRequest(s, 'PUT', `/subscriptions/${SUB}/resourcegroups/rg?api-version=2025-04-01`, { location: 'eastus' });
  await armRequest(s, 'PUT', `${MC()}?${V}`, { location: 'eastus', properties: { agentPoolProfiles: [{ name: 'nodepool1', count: 1, mode: 'System' }] } });

  // Import Debian's chain with OVMF's Microsoft PK/KEK/db/dbx and the kernel's built-in key.
  const put = await importDebianChain(s);
  expect(put.status, put.text).toBe(201);
  await waitFor(async () => (await armRequest(s, 'GET', `${MC()}?${V}`)).json.properties.provisioningState === 'Succeeded', 'cluster', 30_000);
}, 300_000);

afterAll(async () => {
  await s?.stop();
});

describe("Debian's signed boot chain on a Trusted Launch pool", () => {
  it('boots every node with Secure Boot on: shim by Microsoft UEFI CA 2011, grub and kernel by the Debian CA, modules by the kernel key', async () => {
    const r = await armRequest(s, 'PUT', `${MC()}/agentPools/debian?${V}`, {
      properties: { count: 2, mode: 'User', securityProfile: { enableVTPM: true, enableSecureBoot: true }, creationData: { sourceResourceId: '/providers/TrustedLaunch.Platform/nodeImages/debian12' } },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.json.properties.nodeImageVersion).toBe('debian12');
    await waitFor(async () => (await armRequest(s, 'GET', `${MC()}/agentPools/debian?${V}`)).json.properties.provisioningState === 'Succeeded', 'debian pool', 60_000).catch((e) => { console.log(s.logs().slice(-3000)); throw e; });
    for (const vm of await poolVms('debian')) {
      const path = `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/${(vm as unknown as { vmss: string }).vmss}/virtualMachines/${vm.instanceId}`;
      const log = await armRequest(s, 'GET', `${path}/serialConsoleLog?api-version=2024-07-01`);
      expect(log.text).toMatch(/secureboot: Secure boot enabled/);
      expect(log.text).toMatch(/login: /);
      expect(log.text).not.toMatch(/could not insert/);
      const measured = await armRequest(s, 'GET', `${path}/measuredBootLog?api-version=2024-07-01`);
      expect(measured.status).toBe(200);
      // The instance view reports the guest OS of the image the VM runs.
      expect((await armRequest(s, 'GET', `${path}/instanceView?api-version=2024-07-01`)).json).toMatchObject({ osName: 'debian', osVersion: '12', hyperVGeneration: 'V2' });
    }
    const [system] = await poolVms('nodepool1');
    const sysPath = `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/${(system as unknown as { vmss: string }).vmss}/virtualMachines/${system!.instanceId}`;
    expect((await armRequest(s, 'GET', `${sysPath}?$expand=instanceView&api-version=2024-07-01`)).json.properties.instanceView).toMatchObject({ osName: 'ubuntu', osVersion: '22.04' });
  });

  it('refuses a modified copy of the kernel, naming the kernel and the Debian signer', async () => {
    const [vm] = await poolVms('debian');
    const path = `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/${(vm as unknown as { vmss: string }).vmss}/virtualMachines/${vm!.instanceId}`;
    expect((await armRequest(s, 'POST', `${path}/tamper?api-version=2024-07-01`, { component: 'kernel' })).status).toBe(200);
    const restart = await armRequest(s, 'POST', `${path}/restart?api-version=2024-07-01`);
    expect(restart.status).toBe(202);
    const opUrl = new URL(restart.headers['azure-asyncoperation'] as string);
    const op = await waitFor(async () => {
      const o = (await armRequest(s, 'GET', opUrl.pathname + opUrl.search)).json;
      return o.status !== 'InProgress' && o;
    }, 'restart operation', 30_000);
    expect(op.status).toBe('Failed');
    expect(op.error.code).toBe('SecureBootViolation');
    expect(op.error.message).toMatch(/Secure Boot refused to boot vmlinuz-[^ ]+-amd64 \(kernel, signed by Debian Secure Boot Signer 2022 - linux\): image SHA256 digest/);
    const log = await armRequest(s, 'GET', `${path}/serialConsoleLog?api-version=2024-07-01`);
    expect(log.text).toMatch(/bad shim signature/);
    expect(log.text).toMatch(/Debian Secure Boot Signer 2022 - linux/);
  });
});
