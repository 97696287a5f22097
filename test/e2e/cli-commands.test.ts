/**
 * The CLI's commands and az conventions, in-process against a real `tl serve`: versions,
 * extensions, login and accounts, groups, features, providers, output formats and --query,
 * help, unknown commands, credentials merging, progress on a terminal, --no-wait, scale,
 * delete, --subscription and --debug.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, tl, type CliEnv } from '../support/cli.js';
import { armRequest, startServer, waitFor, type TestServer } from '../support/server.js';

let server: TestServer;
let env: CliEnv;
const q = (s: string) => (r: { stderr: string }) => r.stderr.replace('WARNING: The behavior of this command has been altered by the following extension: aks-preview\n', '') === s;

beforeAll(async () => {
  server = await startServer();
  env = cliEnv(server);
  expect((await tl(env, 'extension add -n aks-preview --only-show-errors')).code).toBe(0);
  expect((await tl(env, 'group create -n cmds -l eastus -o none')).code).toBe(0);
  const c = await tl(env, 'aks create -g cmds -n myc --node-count 1 --no-ssh-key --only-show-errors -o none');
  expect(c.code, c.stderr).toBe(0);
});
afterAll(async () => {
  await server?.stop();
});

describe('versions', () => {
  it('--version in az --version layout, and version as JSON', async () => {
    const v = await tl(env, '--version');
    expect(v.code).toBe(0);
    const lines = v.stdout.split('\n');
    expect(lines.slice(0, 6)).toEqual(['azure-cli                         2.65.0', '', 'core                              2.65.0', 'telemetry                          1.1.0', 'tl                                 0.1.0', '']);
    expect(v.stdout).toContain('Extensions:\naks-preview                     18.0.0b2\n');
    const j = await tl(env, 'version');
    expect(j.json).toEqual({ 'azure-cli': '2.65.0', 'azure-cli-core': '2.65.0', 'azure-cli-telemetry': '1.1.0', extensions: { 'aks-preview': '18.0.0b2' }, tl: '0.1.0' });
  });
});

describe('extensions', () => {
  it('add, add again, list, show, update, remove as az does', async () => {
    const e = cliEnv(server);
    expect(await tl(e, 'extension list')).toMatchObject({ code: 0, json: [] });
    expect(await tl(e, 'extension add --name aks-preview --version 1.0.0b6')).toMatchObject({ code: 0, stdout: '', stderr: "WARNING: The installed extension 'aks-preview' is in preview.\n" });
    expect((await tl(e, 'extension add --name aks-preview')).stderr).toBe("WARNING: Extension 'aks-preview' is already installed.\n");
    expect((await tl(e, 'extension list')).json).toEqual([{ experimental: false, extensionType: 'whl', name: 'aks-preview', path: join(e.configDir, 'cliextensions/aks-preview'), preview: true, version: '1.0.0b6' }]);
    expect((await tl(e, 'extension list-available --query "[0].installed" -o tsv')).stdout).toBe('True (upgrade available)\n');
    expect(await tl(e, 'extension update --name aks-preview')).toMatchObject({ code: 0, stderr: '' });
    expect((await tl(e, 'extension show --name aks-preview --query version -o tsv')).stdout).toBe('18.0.0b2\n');
    expect((await tl(e, 'extension update --name aks-preview')).stderr).toBe("WARNING: No updates available for 'aks-preview'. Use --debug for more information.\n");
    expect(await tl(e, 'extension remove --name aks-preview')).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await tl(e, 'extension remove --name aks-preview')).toMatchObject({ code: 1, stderr: 'ERROR: The extension aks-preview is not installed.\n' });
    expect(await tl(e, 'extension add --name aks-previews')).toMatchObject({ code: 1, stderr: "ERROR: No matching extensions for 'aks-previews'. Use --debug for more information.\n" });
  });
});

describe('login and accounts', () => {
  it('account show/list/set and a token any HTTP client can use', async () => {
    const show = await tl(env, 'account show');
    expect(show.json).toMatchObject({ environmentName: 'AzureCloud', id: server.profile.subscriptionId, isDefault: true, state: 'Enabled', tenantId: server.profile.tenantId, user: { name: server.profile.clientId, type: 'servicePrincipal' } });
    const table = await tl(env, 'account list -o table');
    expect(table.stdout.split('\n')[0]).toMatch(/^Name +CloudName +SubscriptionId +TenantId +State +IsDefault$/);
    expect(await tl(env, 'account set --subscription "Trusted Launch (local)"')).toMatchObject({ code: 0, stdout: '' });
    expect(await tl(env, 'account set -s nope')).toMatchObject({ code: 1, stderr: "ERROR: The subscription of 'nope' doesn't exist in cloud 'AzureCloud'.\n" });
    const tok = await tl(env, 'account get-access-token');
    expect(tok.json).toMatchObject({ subscription: server.profile.subscriptionId, tenant: server.profile.tenantId, tokenType: 'Bearer' });
    expect(tok.json.expiresOn).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    const r = await armRequest(server, 'GET', '/subscriptions?api-version=2022-12-01', undefined, { token: tok.json.accessToken });
    expect(r.status).toBe(200);
  });

  it('tl login --endpoint with a service principal, then logout', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tl-nohome-'));
    const e = { ...cliEnv(server), tlHome: empty };
    expect(await tl(e, 'account show')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^ERROR: Please run 'az login' to setup account\.\n/) });
    const p = server.profile;
    const bad = await tl(e, `login --service-principal --endpoint ${p.endpoint} --ca-file ${p.caFile} -t ${p.tenantId} -u ${p.clientId} -p wrong`);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^ERROR: invalid_client: /);
    const ok = await tl(e, `login --service-principal --endpoint ${p.endpoint} --ca-file ${p.caFile} -t ${p.tenantId} -u ${p.clientId} -p ${p.clientSecret}`);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json).toEqual([expect.objectContaining({ cloudName: 'AzureCloud', id: p.subscriptionId, isDefault: true })]);
    expect(statSync(join(e.configDir, 'login.json')).mode & 0o777).toBe(0o600);
    expect((await tl(e, 'group show -n cmds --query name -o tsv')).stdout).toBe('cmds\n');
    expect(await tl(e, 'logout')).toMatchObject({ code: 0, stdout: '' });
    expect((await tl(e, 'group show -n cmds')).code).toBe(1);
  });

  it('gets a new token from the token endpoint when the profile has an expired or refused one', async () => {
    for (const [accessToken, expiresOn] of [['old', 0], ['not-a-token', 4102444800]] as const) {
      const home = mkdtempSync(join(tmpdir(), 'tl-token-'));
      writeFileSync(join(home, 'profile.json'), JSON.stringify({ ...server.profile, accessToken, expiresOn }));
      const e = { ...cliEnv(server), tlHome: home };
      const r = await tl(e, 'group show -n cmds --query name -o tsv --debug');
      expect(r.stdout, r.stderr).toBe('cmds\n');
      if (expiresOn > 0) expect(r.stderr).toContain('DEBUG: Response status: 401\nDEBUG: The access token was refused; requesting a new one.\n');
      const cache = JSON.parse(readFileSync(join(e.configDir, 'token-cache.json'), 'utf8'));
      expect(cache).toEqual([{ key: `${server.profile.endpoint}|${server.profile.tenantId}|${server.profile.clientId}`, accessToken: expect.stringMatching(/^ey/), expiresOn: expect.any(Number) }]);
      expect(statSync(join(e.configDir, 'token-cache.json')).mode & 0o777).toBe(0o600);
    }
  });

  it('--subscription by name or id; an unknown one is refused', async () => {
    expect((await tl(env, 'group show -n cmds --subscription "Trusted Launch (local)" --query name -o tsv')).stdout).toBe('cmds\n');
    expect((await tl(env, `group show -n cmds --subscription ${server.profile.subscriptionId} --query name -o tsv`)).stdout).toBe('cmds\n');
    expect(await tl(env, 'group show -n cmds --subscription Nope')).toMatchObject({ code: 1, stderr: "ERROR: Subscription 'Nope' not found. Check the spelling and casing and try again.\n" });
  });
});

describe('groups, features, providers', () => {
  it('group create/show/list/exists/delete', async () => {
    const c = await tl(env, 'group create -n g2 -l westeurope --tags env=test owner');
    expect(c.json).toEqual({ id: `/subscriptions/${server.profile.subscriptionId}/resourceGroups/g2`, location: 'westeurope', managedBy: null, name: 'g2', properties: { provisioningState: 'Succeeded' }, tags: { env: 'test', owner: '' }, type: 'Microsoft.Resources/resourceGroups' });
    expect((await tl(env, 'group exists -n g2')).stdout).toBe('true\n');
    const list = await tl(env, 'group list -o table --tag env=test');
    expect(list.stdout).toBe('Name    Location    Status\n------  ----------  ---------\ng2      westeurope  Succeeded\n');
    expect(await tl(env, 'group delete -n g2')).toMatchObject({ code: 1, stderr: 'ERROR: Unable to prompt for confirmation as no tty available. Use --yes.\n' });
    expect(await tl(env, 'group delete -n g2', { input: ['n'] })).toMatchObject({ code: 0, stderr: 'Are you sure you want to perform this operation? (y/n): ' });
    expect((await tl(env, 'group exists -n g2')).stdout).toBe('true\n');
    expect(await tl(env, 'group delete -n g2 --yes')).toMatchObject({ code: 0, stdout: '' });
    expect((await tl(env, 'group exists -n g2')).stdout).toBe('false\n');
    expect((await tl(env, 'group show -n g2')).code).toBe(3);
  });

  it("feature list with the AKS docs' query, provider show as a table", async () => {
    const f = await tl(env, `feature list -o table --query "[?contains(name, 'Microsoft.ContainerService/TrustedLaunchPreview')].{Name:name,State:properties.state}"`);
    expect(f.stdout).toBe('Name                                             State\n-----------------------------------------------  -------------\nMicrosoft.ContainerService/TrustedLaunchPreview  NotRegistered\n');
    const p = await tl(env, 'provider show -n Microsoft.ContainerService -o table');
    expect(p.stdout.split('\n').slice(0, 3)).toEqual([
      'Namespace                   ProviderAuthorizationConsentState    RegistrationPolicy    RegistrationState',
      '--------------------------  -----------------------------------  --------------------  -------------------',
      'Microsoft.ContainerService  NotRequired                          RegistrationRequired  Registered',
    ]);
    expect((await tl(env, 'provider list --query "length(@)"')).stdout).toBe('6\n');
  });
});

describe('output and usage', () => {
  it('-o yaml / tsv / none / jsonc (coloured on a terminal only)', async () => {
    const base = 'aks nodepool show -g cmds --cluster-name myc -n nodepool1 --only-show-errors';
    const y = await tl(env, `${base} -o yaml`);
    expect(parse(y.stdout)).toMatchObject({ name: 'nodepool1', agentPoolType: 'VirtualMachineScaleSets', osDiskSizeGb: 128, resourceGroup: 'cmds' });
    expect((await tl(env, `${base} -o tsv --query "{n:name, c:count, f:enableFips}"`)).stdout).toBe('nodepool1\t1\tFalse\n');
    // a list is one row per item, and a bare boolean row is lower-case (knack's _TsvOutput)
    expect((await tl(env, `${base} -o tsv --query "[name, count, enableFips]"`)).stdout).toBe('nodepool1\n1\nfalse\n');
    expect((await tl(env, `${base} -o none`)).stdout).toBe('');
    const plain = await tl(env, `${base} -o jsonc`);
    expect(plain.stdout).not.toContain('\x1b[');
    const colour = await tl(env, `${base} -o jsonc`, { tty: true });
    expect(colour.stdout).toContain('\x1b[94m"agentPoolType"\x1b[39m: \x1b[32m"VirtualMachineScaleSets"\x1b[39m');
    expect(await tl(env, `${base} --query "[?"`)).toMatchObject({ code: 2, stderr: "ERROR: argument --query: invalid jmespath_type value: '[?'\nTo learn more about --query, please visit: 'https://learn.microsoft.com/cli/azure/query-azure-cli'\n" });
  });

  it('aks nodepool show, as az prints an AgentPool (snapshot; ids and eTags masked)', async () => {
    const r = await tl(env, 'aks nodepool show -g cmds --cluster-name myc -n nodepool1 --only-show-errors');
    const masked = r.stdout.replaceAll(server.profile.subscriptionId, '<sub>').replace(/"eTag": "[-0-9a-f]+"/, '"eTag": "<etag>"').replace(/-\d{6}\.\d{2}\.\d+"/, '-<release>"');
    expect(masked).toMatchInlineSnapshot(`
      "{
        "agentPoolType": "VirtualMachineScaleSets",
        "availabilityZones": null,
        "capacityReservationGroupId": null,
        "count": 1,
        "creationData": null,
        "currentOrchestratorVersion": "1.33.5",
        "eTag": "<etag>",
        "enableAutoScaling": false,
        "enableEncryptionAtHost": null,
        "enableFips": false,
        "enableNodePublicIp": false,
        "enableUltraSsd": null,
        "gpuInstanceProfile": null,
        "gpuProfile": null,
        "hostGroupId": null,
        "id": "/subscriptions/<sub>/resourcegroups/cmds/providers/Microsoft.ContainerService/managedClusters/myc/agentPools/nodepool1",
        "kubeletConfig": null,
        "kubeletDiskType": "OS",
        "linuxOsConfig": null,
        "maxCount": null,
        "maxPods": 250,
        "minCount": null,
        "mode": "System",
        "name": "nodepool1",
        "networkProfile": null,
        "nodeImageVersion": "AKSUbuntu-2204gen2containerd-<release>",
        "nodeLabels": null,
        "nodePublicIpPrefixId": null,
        "nodeTaints": null,
        "orchestratorVersion": "1.33.5",
        "osDiskSizeGb": 128,
        "osDiskType": "Managed",
        "osSku": "Ubuntu",
        "osType": "Linux",
        "podSubnetId": null,
        "powerState": {
          "code": "Running"
        },
        "provisioningState": "Succeeded",
        "proximityPlacementGroupId": null,
        "resourceGroup": "cmds",
        "scaleDownMode": "Delete",
        "scaleSetEvictionPolicy": null,
        "scaleSetPriority": "Regular",
        "securityProfile": {
          "enableSecureBoot": false,
          "enableVtpm": false,
          "sshAccess": "LocalUser"
        },
        "spotMaxPrice": null,
        "tags": null,
        "type": "Microsoft.ContainerService/managedClusters/agentPools",
        "upgradeSettings": {
          "maxSurge": "10%"
        },
        "vmSize": "Standard_DS2_v2",
        "vnetSubnetId": null,
        "windowsProfile": null,
        "workloadRuntime": null
      }
      "
    `);
  });

  it('unknown commands get az\'s message and the closest choice', async () => {
    expect(await tl(env, 'grop list')).toMatchObject({ code: 2, stderr: "ERROR: tl: 'grop' is not in the 'tl' command group. See 'tl --help'.\nThe most similar choice to 'grop' is:\n\tgroup\n" });
    expect(await tl(env, 'group show cmds')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^ERROR: the following arguments are required: --name\/--resource-group\/-n\/-g\n/) });
    expect(await tl(env, 'group show -n cmds extra words')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^ERROR: unrecognized arguments: extra words\n/) });
    expect((await tl(env, 'aks nodepol list')).stderr).toContain("'nodepol' is not in the 'tl aks' command group.");
    expect((await tl(env, 'aks nodepol list', { prog: 'az' })).stderr).toBe("ERROR: az aks: 'nodepol' is not in the 'az aks' command group. See 'az aks --help'.\nThe most similar choice to 'nodepol' is:\n\tnodepool\n");
  });

  it('group help lists subgroups and commands', async () => {
    const h = await tl(env, 'aks');
    expect(h.stdout).toContain('Group\n    tl aks : Azure Kubernetes Service.\n\nSubgroups:\n    nodepool        : Commands to manage node pools in Kubernetes kubernetes cluster.\n\nCommands:\n    create          : Create a new managed Kubernetes cluster.');
    expect((await tl(env, 'aks nodepool --help')).stdout).toMatch(/\n {4}update : Update a node pool properties\.\n/);
    const root = await tl(env, '--help');
    expect(root.stdout).toMatch(/Subgroups:\n(.*\n)*    aks +: Azure Kubernetes Service\./);
  });

  it('command help (the command-specific part)', async () => {
    const h = await tl(env, 'feature show --help');
    expect(h.stdout.slice(0, h.stdout.indexOf('Global Arguments'))).toMatchInlineSnapshot(`
      "
      Command
          tl feature show : Get the feature registration.

      Arguments
          --name -n [Required]   : The feature name.
          --namespace [Required] : The resource namespace, aka 'provider'.

      "
    `);
  });

  it('aks nodepool update help, with aks-preview', async () => {
    const h = await tl(env, 'aks nodepool update --help');
    expect(h.stdout.slice(0, h.stdout.indexOf('Global Arguments'))).toMatchInlineSnapshot(`
      "
      Command
          tl aks nodepool update : Update a node pool properties.
              Update a node pool to enable/disable cluster-autoscaler or change min-count or max-count.
              When called with no optional arguments this attempts to move the node pool to its goal state
              without changing the current node pool configuration. This can be used to move out of a non
              succeeded state.

      Arguments
          --cluster-name [Required]            : The cluster name.
          --name --nodepool-name -n [Required] : The node pool name. It may contain only lowercase
                                                 alphanumeric characters and must begin with a lowercase
                                                 letter; for Linux node pools the length must be between 1
                                                 and 11 characters.
          --resource-group -g [Required]       : Name of resource group. You can configure the default
                                                 group using \`az configure --defaults group=<name>\`.
          --disable-secure-boot                : Disable Secure Boot on on an existing Trusted Launch
                                                 enabled agent node pool.
          --disable-vtpm                       : Disable vTPM on an existing Trusted Launch enabled agent
                                                 node pool.
          --enable-secure-boot                 : Enable Secure Boot on an existing Trusted Launch enabled
                                                 agent node pool. Must use VMSS agent pool type. Pools
                                                 created before the TrustedLaunchPreview feature was
                                                 registered have no Trusted Launch image and cannot be
                                                 updated. Updating reimages every node.
          --enable-vtpm                        : Enable vTPM on an existing Trusted Launch enabled agent
                                                 node pool. Must use VMSS agent pool type. Pools created
                                                 before the TrustedLaunchPreview feature was registered
                                                 have no Trusted Launch image and cannot be updated.
                                                 Updating reimages every node.
          --labels                             : The node labels for the node pool. You can't change the
                                                 node labels through CLI after the node pool is created.
                                                 See https://aka.ms/node-labels for syntax of labels.
          --max-surge                          : Extra nodes used to speed upgrade. When specified, it
                                                 represents the number or percent used, eg. 5 or 33%.
          --mode                               : The mode for a node pool which defines a node pool's
                                                 primary function. If set as "System", AKS prefers system
                                                 pods scheduling to node pools with mode \`System\`. Allowed
                                                 values: System, User.
          --no-wait                            : Do not wait for the long-running operation to finish.
          --node-taints                        : The node taints for the node pool. Comma-separated, e.g.
                                                 "key1=value1:NoSchedule,key2=value2:NoSchedule".
          --tags                               : The tags of the node pool. Space-separated tags:
                                                 key[=value] [key[=value] ...].
          --yes -y                             : Do not prompt for confirmation.

      "
    `);
  });

  it('a server that is not there, a bad port for serve, --verbose timing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tl-down-'));
    writeFileSync(join(home, 'profile.json'), JSON.stringify({ ...server.profile, endpoint: 'https://127.0.0.1:1' }));
    const down = await tl({ ...cliEnv(server), tlHome: home }, 'group list');
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^ERROR: Failed to connect to https:\/\/127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1\. Is 'tl serve' running/);
    expect(await tl(env, 'serve --port 99999')).toMatchObject({ code: 1, stderr: 'ERROR: invalid --port 99999\n' });
    const v = await tl(env, 'group show -n cmds -o none --verbose');
    expect(v.stderr).toMatch(/^INFO: Command ran in \d+\.\d{3} seconds \(init: \d+\.\d{3}, invoke: \d+\.\d{3}\)\n$/);
  });

  it('--debug shows the requests on stderr', async () => {
    const r = await tl(env, 'group show -n cmds --debug -o none');
    expect(r.stderr).toMatch(/DEBUG: Request URL: 'https:\/\/127\.0\.0\.1:\d+\/subscriptions\/[-0-9a-f]+\/resourcegroups\/cmds\?api-version=2025-04-01'\nDEBUG: Request method: 'GET'\nDEBUG: Response status: 200\n/);
  });
});

describe('aks get-credentials', () => {
  it('--file -, --admin, merging rules, KUBECONFIG and permissions', async () => {
    const e = { ...env, home: mkdtempSync(join(tmpdir(), 'tl-kube-')) };
    const dash = await tl(e, 'aks get-credentials -g cmds -n myc --file - --only-show-errors');
    expect(parse(dash.stdout)).toMatchObject({ 'current-context': 'myc', users: [{ name: 'clusterUser_cmds_myc' }] });
    const kc = join(e.home, '.kube/config');
    // an unrelated entry that must survive, and a different entry named like ours
    mkdirSync(join(e.home, '.kube'));
    writeFileSync(kc, 'apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster: {server: "https://other"}\n- name: myc\n  cluster: {server: "https://stale"}\nusers: []\ncontexts: []\ncurrent-context: other\n', { mode: 0o600 });
    const clash = await tl(e, 'aks get-credentials -g cmds -n myc --only-show-errors');
    expect(clash).toMatchObject({ code: 1, stderr: 'ERROR: A different object named myc already exists in clusters in your kubeconfig file.\n' });
    const declined = await tl(e, 'aks get-credentials -g cmds -n myc --only-show-errors', { input: ['n'] });
    expect(declined).toMatchObject({ code: 1, stderr: 'A different object named myc already exists in your kubeconfig file.\nOverwrite? (y/n): ERROR: A different object named myc already exists in clusters in your kubeconfig file.\n' });
    const over = await tl(e, 'aks get-credentials -g cmds -n myc --overwrite-existing --only-show-errors');
    expect(over.code, over.stderr).toBe(0);
    const merged = parse(readFileSync(kc, 'utf8'));
    expect(merged.clusters.map((c: { name: string }) => c.name)).toEqual(['other', 'myc']);
    expect(merged['current-context']).toBe('myc');
    const admin = await tl(e, 'aks get-credentials -g cmds -n myc --admin');
    expect(admin.stderr).toContain(`WARNING: Merged "myc-admin" as current context in ${kc}\n`);
    expect(parse(readFileSync(kc, 'utf8')).users.map((u: { name: string }) => u.name)).toEqual(['clusterUser_cmds_myc', 'clusterAdmin_cmds_myc']);
    // KUBECONFIG's first entry; a file readable by others gets az's warning
    const other = join(e.home, 'kc-a');
    writeFileSync(other, '');
    chmodSync(other, 0o644);
    const viaEnv = await tl({ ...e, extraEnv: { KUBECONFIG: `${other}:${kc}` } }, 'aks get-credentials -g cmds -n myc --context dev');
    expect(viaEnv.stderr).toContain(`WARNING: ${other} has permissions "644".\nIt should be readable and writable only by its owner.\n`);
    expect(viaEnv.stderr).toContain(`Merged "dev" as current context in ${other}`);
    expect(parse(readFileSync(other, 'utf8')).contexts[0]).toMatchObject({ name: 'dev', context: { cluster: 'dev', user: 'clusterUser_cmds_myc' } });
  });
});

describe('long-running commands', () => {
  it('show az progress on a terminal and per-node reimage bars', async () => {
    const add = await tl(env, 'aks nodepool add -g cmds --cluster-name myc -n tp --node-count 2 --only-show-errors -o none');
    expect(add.code, add.stderr).toBe(0);
    const feat = await tl(env, 'feature register --namespace Microsoft.ContainerService --name TrustedLaunchPreview --only-show-errors -o none');
    expect(feat.code).toBe(0);
    await waitFor(async () => (await tl(env, 'feature show --namespace Microsoft.ContainerService --name TrustedLaunchPreview --query properties.state -o tsv')).stdout === 'Registered\n', 'the feature to be Registered');
    expect((await tl(env, 'provider register -n Microsoft.ContainerService --wait')).code).toBe(0);
    const create = await tl(env, 'aks nodepool add -g cmds --cluster-name myc -n tlp --node-count 2 -o none', { tty: true });
    expect(create.code, create.stderr).toBe(0);
    expect(create.stderr).toMatch(/\r\x1b\[K- Running \.\./);
    const up = await tl(env, 'aks nodepool update -g cmds --cluster-name myc -n tlp --enable-vtpm --query securityProfile.enableVtpm', { tty: true });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toBe('true\n');
    expect(up.stderr).toContain('Reimaging node pool tlp: 2/2 nodes on the new image [####################]');
    expect(up.stderr).toMatch(/aks-tlp-\d{8}-vmss000000 \[####################\] Done/);
    // without a terminal: no progress at all
    const quiet = await tl(env, 'aks nodepool update -g cmds --cluster-name myc -n tlp --disable-vtpm -o none');
    expect(quiet).toMatchObject({ code: 0 });
    expect(q('')(quiet)).toBe(true);
  });

  it('--no-wait returns at once; scale and delete', async () => {
    const r = await tl(env, 'aks nodepool scale -g cmds --cluster-name myc -n tp -c 1 --no-wait');
    expect(r).toMatchObject({ code: 0, stdout: '' });
    await waitFor(async () => (await tl(env, 'aks nodepool show -g cmds --cluster-name myc -n tp --query provisioningState -o tsv --only-show-errors')).stdout === 'Succeeded\n', 'the scale to finish');
    expect((await tl(env, 'aks nodepool show -g cmds --cluster-name myc -n tp --query count --only-show-errors')).stdout).toBe('1\n');
    const same = await tl(env, 'aks nodepool scale -g cmds --cluster-name myc -n tp -c 1 --only-show-errors');
    expect(same).toMatchObject({ code: 1, stderr: 'ERROR: The new node count is the same as the current node count.\n' });
    expect(await tl(env, 'aks nodepool delete -g cmds --cluster-name myc -n tp --only-show-errors')).toMatchObject({ code: 0, stdout: '' });
    expect(await tl(env, 'aks nodepool delete -g cmds --cluster-name myc -n tp --only-show-errors')).toMatchObject({ code: 1, stderr: "ERROR: Node pool tp doesnt exist, use 'aks nodepool list' to get current node pool list\n" });
  });

  it('pool settings from the command line, updated later; reconcile with --yes or at the prompt', async () => {
    const add = await tl(env, 'aks nodepool add -g cmds --cluster-name myc -n lbl --node-count 1 --labels env=dev team=a --node-taints sku=gpu:NoSchedule --max-surge 33% --mode System --os-sku AzureLinux --node-osdisk-size 64 --zones 1 2 --tags cost=1 --only-show-errors');
    expect(add.code, add.stderr).toBe(0);
    expect(add.json).toMatchObject({ nodeLabels: { env: 'dev', team: 'a' }, nodeTaints: ['sku=gpu:NoSchedule'], upgradeSettings: { maxSurge: '33%' }, mode: 'System', osSku: 'AzureLinux', osDiskSizeGb: 64, availabilityZones: ['1', '2'], tags: { cost: '1' } });
    const bad = await tl(env, 'aks nodepool add -g cmds --cluster-name myc -n lbl2 --labels env --only-show-errors');
    expect(bad).toMatchObject({ code: 1, stderr: 'ERROR: Invalid label: env. Label definition must be of format name=value.\n' });
    expect((await tl(env, 'aks nodepool add -g cmds --cluster-name myc -n lbl2 --node-taints bad --only-show-errors')).stderr).toBe('ERROR: Taint does not match allowed values. Expect value such as "special=true:NoSchedule".\n');
    expect((await tl(env, 'aks nodepool add -g cmds --cluster-name myc -n lbl2 --max-surge lots --only-show-errors')).stderr).toBe('ERROR: --max-surge should be an int or percentage\n');
    const upd = await tl(env, 'aks nodepool update -g cmds --cluster-name myc -n lbl --labels env=prod --node-taints "" --max-surge 1 --mode User --tags cost=2 --only-show-errors');
    expect(upd.code, upd.stderr).toBe(0);
    expect(upd.json).toMatchObject({ nodeLabels: { env: 'prod' }, nodeTaints: null, upgradeSettings: { maxSurge: '1' }, mode: 'User', tags: { cost: '2' } });
    const yes = await tl(env, 'aks nodepool update -g cmds --cluster-name myc -n lbl --yes --only-show-errors --query provisioningState -o tsv');
    expect(yes).toMatchObject({ code: 0, stdout: 'Succeeded\n' });
    const asked = await tl(env, 'aks nodepool update -g cmds --cluster-name myc -n lbl --only-show-errors -o none', { input: ['y'] });
    expect(asked).toMatchObject({ code: 0, stderr: 'no argument specified to update would you like to reconcile to current settings? (y/N): ' });
  });

  it('aks list/show tables, get-versions, delete', async () => {
    const list = await tl(env, 'aks list -o table --only-show-errors');
    expect(list.stdout.split('\n')[0]).toMatch(/^Name +Location +ResourceGroup +KubernetesVersion +CurrentKubernetesVersion +ProvisioningState +Fqdn$/);
    expect(list.stdout).toMatch(/\nmyc +eastus +cmds +1\.33\.5 +1\.33\.5 +Succeeded +myc-cmds-[0-9a-f]{6}-[a-z0-9]{8}\.hcp\.eastus\.azmk8s\.io\n/);
    const versions = await tl(env, 'aks get-versions -l eastus -o table --only-show-errors');
    const [head, rule, first] = versions.stdout.split('\n');
    expect(head).toMatch(/^KubernetesVersion {4}Upgrades +SupportPlan$/);
    expect(rule).toMatch(/^-{19}  -+  -+$/);
    expect(first).toMatch(/^1\.35\.0\(preview\) {6}None available +KubernetesOfficial$/);
    expect(versions.stdout).toMatch(/\n1\.25\.2 +1\.25\.6, 1\.25\.15, 1\.26\.6, 1\.26\.15 +AKSLongTermSupport\n/);
    const del = await tl(env, 'aks delete -g cmds -n myc --yes --only-show-errors');
    expect(del).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect((await tl(env, 'aks show -g cmds -n myc --only-show-errors')).code).toBe(3);
  });
});
