/**
 * Every rule of the document, through the CLI, against a real `tl serve`: what the server
 * refuses comes back in az's layout (`ERROR: (Code) Message` / `Code:` / `Message:` /
 * `Target:`, exit 1); what az checks itself (name length and characters, mutually exclusive
 * switches, unknown preview flags) never reaches the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, tl, type CliEnv, type CliResult } from '../support/cli.js';
import { startServer, waitFor, type TestServer } from '../support/server.js';

const BANNER = 'WARNING: The behavior of this command has been altered by the following extension: aks-preview\n';

let server: TestServer;
let env: CliEnv;
let bare: CliEnv; // no aks-preview
const RG = '--resource-group rules';
/** Run with aks-preview added; az's extension banner (checked once below) is taken off stderr. */
async function tlx(line: string): Promise<CliResult> {
  const r = await tl(env, line);
  return line.startsWith('aks ') ? { ...r, stderr: r.stderr.startsWith(BANNER) ? r.stderr.slice(BANNER.length) : `(no banner) ${r.stderr}` } : r;
}
const add = (rest: string) => tlx(`aks nodepool add ${RG} --cluster-name tlc --node-count 1 ${rest}`);

/** The az layout of a service error, and the exit status. */
function expectServiceError(r: CliResult, code: string, target?: string): string {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  const m = r.stderr.match(/^ERROR: \((\w+)\) (.*)\nCode: (\w+)\nMessage: (.*)\n(?:Target: (.*)\n)?$/m);
  expect(m, r.stderr).not.toBeNull();
  expect(m![1]).toBe(code);
  expect(m![3]).toBe(code);
  expect(m![4]).toBe(m![2]);
  if (target !== undefined) expect(m![5]).toBe(target);
  return m![2]!;
}

beforeAll(async () => {
  server = await startServer();
  env = cliEnv(server);
  bare = cliEnv(server);
  expect((await tl(env, 'extension add --name aks-preview --only-show-errors')).code).toBe(0);
  expect((await tl(env, 'group create -n rules -l eastus')).code).toBe(0);
});
afterAll(async () => {
  await server?.stop();
});

describe('preview flags need aks-preview', () => {
  it.each([
    ['aks nodepool add -g rules --cluster-name tlc --name p1 --enable-vtpm', '--enable-vtpm'],
    ['aks nodepool add -g rules --cluster-name tlc --name p1 --enable-secure-boot', '--enable-secure-boot'],
    ['aks create -g rules -n c1 --enable-secure-boot --enable-vtpm --no-ssh-key', '--enable-secure-boot --enable-vtpm'],
    ['aks nodepool update -g rules --cluster-name tlc --name p1 --disable-vtpm', '--disable-vtpm'],
    ['aks nodepool add -g rules --cluster-name tlc --name p1 --skip-gpu-driver-install', '--skip-gpu-driver-install'],
  ])('%s is refused as az refuses unknown arguments', async (line, flags) => {
    const r = await tl(bare, line);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`ERROR: unrecognized arguments: ${flags}`);
    const first = flags.split(' ')[0]!;
    expect(r.stderr).toContain(`The argument '${first}' requires the extension aks-preview (version 1.0.0b6 or later), which is not added. To install, run 'tl extension add --name aks-preview'.`);
    expect(r.stderr).toContain('Examples from AI knowledge base:');
  });

  it('help lists the preview flags only with the extension', async () => {
    const without = await tl(bare, 'aks nodepool add --help');
    const withExt = await tl(env, 'aks nodepool add --help');
    expect(without.stdout).not.toContain('--enable-vtpm');
    expect(without.stdout).not.toContain('--enable-secure-boot');
    const flat = withExt.stdout.replace(/\n {43}/g, ' ');
    expect(flat).toMatch(/\n {4}--enable-vtpm +: Enable vTPM on agent node pool\. Must use VMSS agent pool type\./);
    expect(flat).toMatch(/\n {4}--enable-secure-boot +: Enable Secure Boot on agent node pool\. Must use VMSS agent pool type\./);
  });

  it('an older aks-preview than 1.0.0b6 is not offered, and a removed extension takes the flags away', async () => {
    const e = cliEnv(server);
    expect((await tl(e, 'extension add --name aks-preview --version 0.5.170')).stderr).toContain("No matching extensions for 'aks-preview (0.5.170)'");
    expect((await tl(e, 'extension add --name aks-preview --version 1.0.0b6 --only-show-errors')).code).toBe(0);
    expect((await tl(e, 'aks nodepool add -g rules --cluster-name nope --name p1 --enable-vtpm')).stderr).not.toContain('unrecognized');
    expect((await tl(e, 'extension remove --name aks-preview')).code).toBe(0);
    expect((await tl(e, 'aks nodepool add -g rules --cluster-name nope --name p1 --enable-vtpm')).code).toBe(2);
  });
});

describe('before the feature is registered', () => {
  it('refuses vTPM/Secure Boot, and a pool made then cannot be updated to Trusted Launch later', async () => {
    const c = await tlx(`aks create ${RG} --name tlc --node-count 1 --no-ssh-key --only-show-errors`);
    expect(c.code, c.stderr).toBe(0);
    const old = await add('--name oldpool');
    expect(old.code, old.stderr).toBe(0);
    expect(old.json.nodeImageVersion).not.toMatch(/TL/);
    const refused = await add('--name newpool --enable-vtpm');
    expect(expectServiceError(refused, 'SubscriptionNotRegisteredForFeature', 'securityProfile')).toMatch(/^Feature Microsoft\.ContainerService\/TrustedLaunchPreview is not enabled\. Please see https:\/\/aka\.ms\/aks\/previews for how to enable features\./);

    expect((await tl(env, 'feature register --namespace Microsoft.ContainerService --name TrustedLaunchPreview --only-show-errors')).code).toBe(0);
    await waitFor(async () => (await tl(env, 'feature show --namespace Microsoft.ContainerService --name TrustedLaunchPreview --query properties.state -o tsv')).stdout === 'Registered\n', 'the feature to be Registered');
    // registered but not propagated yet: the server says which step is missing
    const notYet = await add('--name newpool --enable-vtpm');
    expect(expectServiceError(notYet, 'SubscriptionNotRegisteredForFeature')).toContain("run 'az provider register --namespace Microsoft.ContainerService'");
    const prov = await tl(env, 'provider register --namespace Microsoft.ContainerService --wait');
    expect(prov).toMatchObject({ code: 0, stdout: '', stderr: '' });

    const upd = await tlx(`aks nodepool update ${RG} --cluster-name tlc --name oldpool --enable-vtpm`);
    expect(expectServiceError(upd, 'TrustedLaunchIncompatibleWithConfig', 'securityProfile')).toBe(
      'Trusted Launch enabled clusters using vTPM and/or Secure Boot are not supported for this agentpool. Secure Boot and/or vTPM requires the VM Image to be Trusted Launch Compatible. Ubuntu 1804, FIPS, Arm64, CBLMariner, GPU nodepools dont have Trusted Launch support.',
    );
  });
});

describe('the limitations of the document', () => {
  it('Windows Server node pools', async () => {
    expectServiceError(await add('--name win1 --os-type Windows --enable-vtpm'), 'TrustedLaunchNotSupportedForWindows', 'osType');
  });

  it('FIPS-enabled node pools', async () => {
    expectServiceError(await add('--name fips1 --enable-fips-image --enable-secure-boot'), 'TrustedLaunchNotSupportedWithFIPS', 'enableFIPS');
  });

  it('Arm64 node pools', async () => {
    const msg = expectServiceError(await add('--name arm1 --node-vm-size Standard_D4ps_v6 --enable-vtpm'), 'TrustedLaunchNotSupportedOnArm64', 'vmSize');
    expect(msg).toContain('"Standard_D4ps_v6" is Arm64');
  });

  it('availability sets (only Virtual Machine Scale Sets)', async () => {
    expectServiceError(await add('--name avset1 --vm-set-type AvailabilitySet --enable-vtpm'), 'TrustedLaunchRequiresVirtualMachineScaleSets', 'type');
    const bad = await add('--name avset1 --vm-set-type Machines --enable-vtpm');
    expect(bad).toMatchObject({ code: 1, stderr: 'ERROR: --vm-set-type can only be VirtualMachineScaleSets, AvailabilitySet or VirtualMachines(Preview)\n' });
  });

  it('Secure Boot on GPU pools needs the GPU driver skipped', async () => {
    expectServiceError(await add('--name gpu1 --node-vm-size Standard_NC4as_T4_v3 --enable-secure-boot'), 'SecureBootRequiresSkippingGPUDriver', 'gpuProfile');
    const ok = await add('--name gpu1 --node-vm-size Standard_NC4as_T4_v3 --enable-secure-boot --skip-gpu-driver-install');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ gpuProfile: { driver: 'None' }, securityProfile: { enableSecureBoot: true } });
    const ok2 = await add('--name gpu2 --node-vm-size Standard_NC4as_T4_v3 --enable-secure-boot --gpu-driver none');
    expect(ok2.json).toMatchObject({ gpuProfile: { driver: 'None' } });
    // aks-preview 1.0.0b6 speaks 2023-11-02-preview, where the switch is gpuProfile.installGPUDriver
    const old = cliEnv(server);
    expect((await tl(old, 'extension add --name aks-preview --version 1.0.0b6 --only-show-errors')).code).toBe(0);
    const r = await tl(old, `aks nodepool add ${RG} --cluster-name tlc --node-count 1 --name gpu3 --node-vm-size Standard_NC4as_T4_v3 --enable-secure-boot --skip-gpu-driver-install --only-show-errors`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ gpuProfile: { installGpuDriver: false }, securityProfile: { enableSecureBoot: true, enableVtpm: false } });
    expect((await tl(old, `aks nodepool add ${RG} --cluster-name tlc --name gpu4 --gpu-driver None`)).stderr).toContain("The argument '--gpu-driver' requires version 18.0.0b2 or later of the extension aks-preview; version 1.0.0b6 is added. To update, run 'tl extension update --name aks-preview'.");
  });

  it('ephemeral OS disks must fit the size (with 1 GiB of VM guest state)', async () => {
    // Standard_DS2_v2 has an 86 GiB cache: 86 + 1 does not fit, 85 + 1 does
    const msg = expectServiceError(await add('--name eph1 --node-osdisk-type Ephemeral --node-osdisk-size 86 --enable-vtpm'), 'VMCannotFitEphemeralOSDisk', 'osDiskSizeGB');
    expect(msg).toContain('Trusted Launch');
    const ok = await add('--name eph1 --node-osdisk-type Ephemeral --node-osdisk-size 85 --enable-vtpm');
    expect(ok.json).toMatchObject({ osDiskType: 'Ephemeral', osDiskSizeGb: 85 });
  });

  it('Kubernetes 1.25.2 or later', async () => {
    expectServiceError(await add('--name k124 --kubernetes-version 1.24.10 --enable-vtpm'), 'TrustedLaunchKubernetesVersionNotSupported', 'orchestratorVersion');
    const c = await tlx(`aks create ${RG} --name old124 --kubernetes-version 1.24.10 --enable-vtpm --no-ssh-key`);
    expectServiceError(c, 'TrustedLaunchKubernetesVersionNotSupported');
    const ok = await add('--name k1252 --kubernetes-version 1.25.2 --enable-vtpm');
    expect(ok.json).toMatchObject({ orchestratorVersion: '1.25.2', securityProfile: { enableVtpm: true } });
  });

  it('node pool names: lowercase alphanumeric, starting with a letter, 1-11 characters', async () => {
    // az's own checks, before any request
    expect(await add('--name mynodepool123')).toMatchObject({ code: 1, stdout: '', stderr: 'ERROR: --nodepool-name can contain at most 12 characters\n' });
    expect(await add('--name my-pool')).toMatchObject({ code: 1, stderr: 'ERROR: --nodepool-name should contain only alphanumeric characters\n' });
    // the service's: 12 characters, uppercase, a leading digit
    for (const name of ['mynodepool12', 'MyPool', '1pool']) {
      expect(expectServiceError(await add(`--name ${name}`), 'InvalidParameter', 'agentPoolProfile.name')).toMatch(/^The value of parameter agentPoolProfile\.name is invalid\. Please see https:\/\/aka\.ms\/aks-naming-rules for more details\./);
    }
  });

  it('enable and disable at the same time', async () => {
    const r = await tlx(`aks nodepool update ${RG} --cluster-name tlc --name oldpool --enable-secure-boot --disable-secure-boot`);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'ERROR: Cannot specify "--enable-secure-boot" and "--disable-secure-boot" at the same time\n' });
    const v = await tlx(`aks nodepool update ${RG} --cluster-name tlc --name oldpool --enable-vtpm --disable-vtpm`);
    expect(v.stderr).toBe('ERROR: Cannot specify "--enable-vtpm" and "--disable-vtpm" at the same time\n');
  });

  it("aks commands carry az's banner for a command altered by an extension", async () => {
    const r = await tl(env, `aks nodepool list ${RG} --cluster-name tlc -o none`);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: BANNER });
    expect((await tl(env, `aks nodepool list ${RG} --cluster-name tlc -o none --only-show-errors`)).stderr).toBe('');
    expect((await tl(bare, `aks nodepool list ${RG} --cluster-name tlc -o none`)).stderr).toBe('');
  });

  it('not found is exit status 3', async () => {
    const pool = await tlx(`aks nodepool show ${RG} --cluster-name tlc --name nosuch`);
    expect(pool.code).toBe(3);
    expect(pool.stderr).toMatch(/^ERROR: \(NotFound\) Agent pool 'nosuch' was not found/);
    const cluster = await tlx(`aks show ${RG} --name nosuch`);
    expect(cluster.code).toBe(3);
    expect(cluster.stderr).toMatch(/^ERROR: \(ResourceNotFound\) The Resource 'Microsoft\.ContainerService\/managedClusters\/nosuch' under resource group 'rules' was not found/);
    const dup = await tlx(`aks create ${RG} --name tlc --no-ssh-key`);
    expect(dup).toMatchObject({ code: 1, stdout: '', stderr: "ERROR: The cluster 'tlc' under resource group 'rules' already exists. Please use command 'tl aks update' to update the existing cluster, or select a different cluster name to create a new cluster.\n" });
    const rg = await tlx('aks create -g nosuchgroup -n c --no-ssh-key');
    expect(rg.code).toBe(3);
    const feature = await tl(env, 'feature show --namespace Microsoft.ContainerService --name NoSuchPreview');
    expect(feature).toMatchObject({ code: 3 });
    expect(feature.stderr).toBe("ERROR: (FeatureNotFound) The feature 'NoSuchPreview' could not be found.\nCode: FeatureNotFound\nMessage: The feature 'NoSuchPreview' could not be found.\n");
  });

  it('an unregistered provider is registered for you, as az does', async () => {
    const e = cliEnv(server);
    expect((await tl(e, 'provider unregister -n Microsoft.ContainerService --wait')).code).toBe(0);
    expect((await tl(e, 'provider show -n Microsoft.ContainerService --query registrationState -o tsv')).stdout).toBe('NotRegistered\n');
    const r = await tl(e, `aks create ${RG} --name auto --node-count 1 --no-ssh-key -o none`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("WARNING: Resource provider 'Microsoft.ContainerService' used by this operation is not registered. We are registering for you.\nWARNING: Registration succeeded.\n");
  });

  it('a second operation while one runs is refused by the service (409)', async () => {
    // five nodes reimaged one at a time: the operation outlasts the next command by far
    expect((await add('--name busy --node-count 5 --max-surge 1 --enable-vtpm -o none')).code).toBe(0);
    const start = await tlx(`aks nodepool update ${RG} --cluster-name tlc --name busy --enable-secure-boot --no-wait`);
    expect(start).toMatchObject({ code: 0, stdout: '' });
    const busy = await tlx(`aks nodepool update ${RG} --cluster-name tlc --name busy --disable-vtpm`);
    expect(expectServiceError(busy, 'OperationNotAllowed')).toContain('Another agentpool operation (busy - Updating) is in progress');
  });
});
