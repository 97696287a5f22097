/**
 * A real boot chain nobody here wrote (issue 7): Debian's Microsoft-signed shim, Debian-signed
 * grub and kernel, a sample of the kernel's signed modules with the kernel's built-in key, and
 * the Microsoft db of ovmf's OVMF_VARS_4M.ms.fd — imported as a node image and booted by a pool
 * with Secure Boot and vTPM on. A modified copy of the kernel is refused, naming the kernel and
 * the Debian signer.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE_GUID } from '../../src/core/efi/index.js';
import { builtinKeys, findVariable, parseVariableStore } from '../../src/uefi/index.js';
import { debianBoot, debianKernel, vmlinuxOf } from '../../src/uefi/test-support/fixtures.js';
import { armRequest, startServer, waitFor, type TestServer } from '../support/server.js';

let s: TestServer;
let SUB: string;
const V = 'api-version=2024-09-01';
const P = 'api-version=2026-11-01';
const MC = () => `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c`;
const NODE_RG = 'MC_rg_c_eastus';

async function upload(bytes: Uint8Array, name: string): Promise<{ name: string; sha256: string }> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const r = await armRequest(s, 'PUT', `/providers/TrustedLaunch.Platform/imageFiles/${sha256}?${P}`, undefined, { rawBody: Buffer.from(bytes), headers: { 'content-type': 'application/octet-stream' } });
  expect(r.status, r.text).toBe(201);
  return { name, sha256 };
}

async function poolVms(pool: string): Promise<{ instanceId: string; properties: { osProfile: { computerName: string } } }[]> {
  const sets = await armRequest(s, 'GET', `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets?api-version=2024-07-01`);
  const vmss = sets.json.value.find((v: { tags: Record<string, string> }) => v.tags['aks-managed-poolName'] === pool).name;
  return (await armRequest(s, 'GET', `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss}/virtualMachines?api-version=2024-07-01`)).json.value.map((v: object) => ({ ...v, vmss }));
}

beforeAll(async () => {
  const boot = debianBoot();
  const kernel = debianKernel();
  s = await startServer();
  SUB = s.profile.subscriptionId;
  // The document's preparation: feature, provider, group, cluster.
  await armRequest(s, 'POST', `/subscriptions/${SUB}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/TrustedLaunchPreview/register?api-version=2021-07-01`);
  await waitFor(async () => (await armRequest(s, 'GET', `/subscriptions/${SUB}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/TrustedLaunchPreview?api-version=2021-07-01`)).json.properties.state === 'Registered', 'feature');
  await armRequest(s, 'POST', `/subscriptions/${SUB}/providers/Microsoft.ContainerService/register?api-version=2025-04-01`);
  await waitFor(async () => (await armRequest(s, 'GET', `/subscriptions/${SUB}/providers/Microsoft.ContainerService?api-version=2025-04-01`)).json.registrationState === 'Registered', 'provider');
  await armRequest(s, 'PUT', `/subscriptions/${SUB}/resourcegroups/rg?api-version=2025-04-01`, { location: 'eastus' });
  await armRequest(s, 'PUT', `${MC()}?${V}`, { location: 'eastus', properties: { agentPoolProfiles: [{ name: 'nodepool1', count: 1, mode: 'System' }] } });

  // Import Debian's chain with OVMF's Microsoft PK/KEK/db/dbx and the kernel's built-in key.
  const vars = parseVariableStore(new Uint8Array(readFileSync(boot.ovmfMsVars)));
  const variable = (name: string, guid: string) => findVariable(vars, name, guid)!.data;
  const keys = builtinKeys(vmlinuxOf(kernel.vmlinuz)).certs.map((c) => c.cert.der);
  const file = (p: string) => new Uint8Array(readFileSync(p));
  const image = {
    properties: {
      osDistro: 'Debian',
      osVersion: '12',
      shim: await upload(file(boot.shimSigned), 'shimx64.efi.signed'),
      bootloader: await upload(file(boot.grubSigned), 'grubx64.efi.signed'),
      kernel: await upload(file(kernel.vmlinuz), basename(kernel.vmlinuz)),
      modules: await Promise.all(kernel.modules.map((m) => upload(file(m), basename(m)))),
      kernelKeys: await Promise.all(keys.map((k, i) => upload(k, `builtin-${i}.der`))),
      firmware: {
        PK: await upload(variable('PK', EFI_GLOBAL_VARIABLE), 'PK'),
        KEK: await upload(variable('KEK', EFI_GLOBAL_VARIABLE), 'KEK'),
        db: await upload(variable('db', EFI_IMAGE_SECURITY_DATABASE_GUID), 'db'),
        dbx: await upload(variable('dbx', EFI_IMAGE_SECURITY_DATABASE_GUID), 'dbx'),
      },
      cmdline: 'root=/dev/sda1 ro quiet',
    },
  };
  const put = await armRequest(s, 'PUT', `/providers/TrustedLaunch.Platform/nodeImages/debian12?${P}`, image);
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
    }
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
