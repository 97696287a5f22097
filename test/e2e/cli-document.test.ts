/**
 * The document's command lines, verbatim, pasted into bash after `alias az=tl`, against a real
 * `tl serve` (test timing profile): every line of ../shared/reference/seed (Portuguese), in the
 * document's order, with the few setup steps the document assumes (an existing resource group;
 * the update section's cluster `myCluster` with its `mynodepool`).
 */
import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, shell, type CliEnv, type CliResult } from '../support/cli.js';
import { armRequest, REPO, startServer, TL_BIN, waitFor, type TestServer } from '../support/server.js';

/** The document's command lines, byte for byte (line 106 has `-–cluster-name`, HYPHEN-MINUS + EN DASH, and two trailing spaces). */
const DOC = {
  extAdd: 'az extension add --name aks-preview',
  extUpdate: 'az extension update --name aks-preview',
  featureRegister: 'az feature register --namespace "Microsoft.ContainerService" --name "TrustedLaunchPreview"',
  featureShow: 'az feature show --namespace "Microsoft.ContainerService" --name "TrustedLaunchPreview"',
  providerRegister: 'az provider register --namespace "Microsoft.ContainerService"',
  create: 'az aks create --name myAKSCluster --resource-group myResourceGroup --node-count 1 --enable-secure-boot --enable-vtpm --enable-managed-identity --generate-ssh-keys',
  credentials: 'az aks get-credentials --resource-group myResourceGroup --name myAKSCluster',
  addVtpmTypo: 'az aks nodepool add --resource-group myResourceGroup -\u2013cluster-name myAKSCluster --name mynodepool --node-count 3 --enable-vtpm  ',
  addBoth: 'az aks nodepool add --resource-group myResourceGroup --cluster-name myAKSCluster --name mynodepool --node-count 3 --enable-vtpm --enable-secure-boot',
  updateEnable: 'az aks nodepool update --cluster-name myCluster --resource-group myResourceGroup --name mynodepool --enable-secure-boot --enable-vtpm ',
  disableSecureBoot: 'az aks nodepool update --cluster-name myCluster --resource-group myResourceGroup --name mynodepool --disable-secure-boot ',
  disableVtpm: 'az aks nodepool update --cluster-name myCluster --resource-group myResourceGroup --name mynodepool --disable-vtpm',
};

const SEED = resolve(REPO, 'test/testdata/seed/000_c67de92fe6fdca74.txt');

let server: TestServer;
let env: CliEnv;
const az = (line: string): Promise<CliResult> => shell(env, line);

beforeAll(async () => {
  server = await startServer();
  env = cliEnv(server);
});
afterAll(async () => {
  await server?.stop();
});

async function vmsOf(cluster: string, pool: string): Promise<any[]> {
  const sub = server.profile.subscriptionId;
  const mc = await armRequest(server, 'GET', `/subscriptions/${sub}/resourceGroups/myResourceGroup/providers/Microsoft.ContainerService/managedClusters/${cluster}?api-version=2024-09-01`);
  const nodeRg = mc.json.properties.nodeResourceGroup as string;
  const base = `/subscriptions/${sub}/resourceGroups/${nodeRg}/providers/Microsoft.Compute/virtualMachineScaleSets`;
  const sets = (await armRequest(server, 'GET', `${base}?api-version=2024-07-01`)).json.value as any[];
  const vmss = sets.find((s) => s.tags['aks-managed-poolName'] === pool);
  return (await armRequest(server, 'GET', `${base}/${vmss.name}/virtualMachines?api-version=2024-07-01`)).json.value;
}

describe('the document, verbatim, through bash with alias az=tl', () => {
  it('has exactly these command lines (checked against the seed when it is present)', () => {
    if (!existsSync(SEED)) return;
    const lines = readFileSync(SEED, 'utf8')
      .split('\n')
      .map((l) => l.replace(/^ {4}/, ''))
      .filter((l) => l.startsWith('az '));
    expect(lines).toEqual(Object.values(DOC));
  });

  it('runs the whole document and ends with the expected cluster, pools and nodes', async () => {
    // `az --version` (the document's prerequisite check, in its prose): ≥ 2.44.1
    const version = await az('az --version');
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^azure-cli {25}2\.65\.0$/m);

    // The document assumes an existing resource group.
    expect((await az('az group create --name myResourceGroup --location eastus')).code).toBe(0);

    // Install / update aks-preview.
    const add = await az(DOC.extAdd);
    expect(add).toMatchObject({ code: 0, stdout: '' });
    expect(add.stderr).toContain("The installed extension 'aks-preview' is in preview.");
    const upd = await az(DOC.extUpdate);
    expect(upd.code).toBe(0);
    expect(upd.stderr).toContain("No updates available for 'aks-preview'.");
    expect((await az('az --version')).stdout).toMatch(/^Extensions:\naks-preview {21}18\.0\.0b2$/m);

    // Register the feature, show it until it is Registered, re-register the provider.
    const reg = await az(DOC.featureRegister);
    expect(reg.code).toBe(0);
    expect(reg.stderr).toContain("WARNING: Once the feature 'TrustedLaunchPreview' is registered, invoking 'tl provider register -n Microsoft.ContainerService' is required to get the change propagated");
    expect(reg.json).toMatchObject({ name: 'Microsoft.ContainerService/TrustedLaunchPreview', type: 'Microsoft.Features/providers/features' });
    expect(['Registering', 'Registered']).toContain(reg.json.properties.state);
    // the document: "it takes a few minutes for the status to show Registered" — show it until it does
    await waitFor(async () => (await az(DOC.featureShow)).json?.properties?.state === 'Registered', 'the feature to be Registered', 40_000);
    const prov = await az(DOC.providerRegister);
    expect(prov).toMatchObject({ code: 0, stdout: '' });
    expect(prov.stderr).toContain("Registering is still on-going. You can monitor using 'tl provider show -n Microsoft.ContainerService'");
    await waitFor(async () => (await az('az provider show -n Microsoft.ContainerService --query registrationState -o tsv')).stdout === 'Registered\n', 'the provider to be Registered', 40_000);

    // Create the cluster with Secure Boot and vTPM.
    const create = await az(DOC.create);
    expect(create.code, create.stderr).toBe(0);
    expect(create.json).toMatchObject({ name: 'myAKSCluster', resourceGroup: 'myResourceGroup', provisioningState: 'Succeeded' });
    expect(create.json.agentPoolProfiles).toHaveLength(1);
    expect(create.json.agentPoolProfiles[0]).toMatchObject({ name: 'nodepool1', count: 1, mode: 'System', securityProfile: { enableSecureBoot: true, enableVtpm: true } });
    expect(create.json.agentPoolProfiles[0].nodeImageVersion).toMatch(/TL/);
    expect(create.stderr).toContain('have been generated under ~/.ssh');

    // Credentials merged into ~/.kube/config, 0600.
    const cred = await az(DOC.credentials);
    expect(cred).toMatchObject({ code: 0, stdout: '' });
    const kubeconfig = join(env.home, '.kube/config');
    expect(cred.stderr).toContain(`Merged "myAKSCluster" as current context in ${kubeconfig}`);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    expect(readFileSync(kubeconfig, 'utf8')).toMatch(/current-context: myAKSCluster/);

    // Add a pool with vTPM, from the line with the typographic dash.
    const typo = await az(DOC.addVtpmTypo);
    expect(typo.code, typo.stderr).toBe(0);
    expect(typo.stderr).toContain("Argument '-\u2013cluster-name' contains a typographic dash (U+2013 EN DASH)");
    expect(typo.stderr).toContain("it was read as '--cluster-name'");
    expect(typo.json).toMatchObject({ name: 'mynodepool', count: 3, agentPoolType: 'VirtualMachineScaleSets', securityProfile: { enableVtpm: true, enableSecureBoot: false } });

    // The next line adds the same pool name again: az refuses, as it lists the pools first.
    const again = await az(DOC.addBoth);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("ERROR: Node pool mynodepool already exists, please try a different name, use 'aks nodepool list' to get current list of node pool");
    // As a user would: delete it, then run the document's line again.
    expect((await az('az aks nodepool delete --resource-group myResourceGroup --cluster-name myAKSCluster --name mynodepool')).code).toBe(0);
    const both = await az(DOC.addBoth);
    expect(both.code, both.stderr).toBe(0);
    expect(both.json).toMatchObject({ name: 'mynodepool', count: 3, provisioningState: 'Succeeded', securityProfile: { enableVtpm: true, enableSecureBoot: true } });

    // The update section names `myCluster`: a cluster with a pool created after registration
    // (Trusted Launch image, both switches off by default, as the document says).
    expect((await az('az aks create --name myCluster --resource-group myResourceGroup --node-count 1 --generate-ssh-keys --only-show-errors')).code).toBe(0);
    const plain = await az('az aks nodepool add --resource-group myResourceGroup --cluster-name myCluster --name mynodepool --node-count 2');
    expect(plain.json).toMatchObject({ securityProfile: { enableVtpm: false, enableSecureBoot: false } });
    expect(plain.json.nodeImageVersion).toMatch(/gen2TLcontainerd/);
    const before = await vmsOf('myCluster', 'mynodepool');
    expect(before.map((v) => v.properties.securityProfile.uefiSettings)).toEqual([{ secureBootEnabled: false, vTpmEnabled: false }, { secureBootEnabled: false, vTpmEnabled: false }]);

    const enable = await az(DOC.updateEnable);
    expect(enable.code, enable.stderr).toBe(0);
    expect(enable.json).toMatchObject({ name: 'mynodepool', provisioningState: 'Succeeded', securityProfile: { enableVtpm: true, enableSecureBoot: true } });
    // reimaged: every node runs the new model, with both switches on
    const after = await vmsOf('myCluster', 'mynodepool');
    expect(after.map((v) => [v.properties.latestModelApplied, v.properties.securityProfile.uefiSettings])).toEqual([
      [true, { secureBootEnabled: true, vTpmEnabled: true }],
      [true, { secureBootEnabled: true, vTpmEnabled: true }],
    ]);

    const offSb = await az(DOC.disableSecureBoot);
    expect(offSb.code, offSb.stderr).toBe(0);
    expect(offSb.json.securityProfile).toMatchObject({ enableVtpm: true, enableSecureBoot: false });
    const offVtpm = await az(DOC.disableVtpm);
    expect(offVtpm.code, offVtpm.stderr).toBe(0);
    expect(offVtpm.json.securityProfile).toMatchObject({ enableVtpm: false, enableSecureBoot: false });
    // disabling keeps the Trusted Launch image
    expect(offVtpm.json.nodeImageVersion).toMatch(/gen2TLcontainerd/);
    expect((await vmsOf('myCluster', 'mynodepool')).map((v) => v.properties.securityProfile)).toEqual([
      { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: false, vTpmEnabled: false } },
      { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: false, vTpmEnabled: false } },
    ]);
    // ~25 processes: allow for a loaded machine
  }, 120_000);

  it('run through a link named az, it speaks of az in its texts', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'tl-azlink-'));
    symlinkSync(TL_BIN, join(bin, 'az'));
    const r = await shell(env, `unalias az\nPATH=${bin}:$PATH\n${DOC.featureRegister}`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("WARNING: Once the feature 'TrustedLaunchPreview' is registered, invoking 'az provider register -n Microsoft.ContainerService' is required to get the change propagated\n");
  });
});
