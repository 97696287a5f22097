/**
 * The complete stdout and stderr of the document's commands, in-process against a real
 * `tl serve`, as inline snapshots: feature register/show, provider register, aks create,
 * get-credentials, nodepool add (with the document's typographic dash) / update / list, aks
 * list / show --query / get-versions as tables, and the texts of the commands az refuses.
 *
 * Only what legitimately varies per run is replaced (see `normalise`, itself tested against a
 * sample): UUIDs, the subscription id (and its 6-character prefix in DNS prefixes), timestamps,
 * the random fqdn suffix, the cluster's random resourceUid, ports, the temporary HOME and config
 * directory, generated SSH public keys (node image versions are fixed by the server and kept).
 * Everything else — field order, nulls, SDK names, table widths, warnings — is compared byte for
 * byte.
 *
 * Known differences from az these snapshots record as they are (reference/aks-api.md):
 *  - nested models print only the attributes the server sent: az's todict prints every attribute
 *    of a nested SDK model, null when unset (§3.4: `"sshAccess": null` inside securityProfile), so
 *    the cluster's `"securityProfile": {}` and e.g. `upgradeSettings` without
 *    `drainTimeoutInMinutes`/`nodeSoakDurationInMinutes` (§1.1) are not what az would print;
 *  - `provider show -o table` has a ProviderAuthorizationConsentState column (the server sends
 *    that property) where §2.3 gives az's columns as `Namespace  RegistrationPolicy  RegistrationState`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, tl, type CliEnv, type CliResult } from '../support/cli.js';
import { startServer, waitFor, type TestServer } from '../support/server.js';

let server: TestServer;
let env: CliEnv;

interface Vary {
  readonly subscriptionId: string;
  readonly home: string;
  readonly configDir: string;
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const ISO_TIME = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?/g;
/** The 8 random lowercase letters and digits az's service adds to the DNS prefix in an fqdn. */
const FQDN_SUFFIX = /-[a-z0-9]{8}(?=\.(?:portal\.)?hcp\.[a-z0-9]+\.azmk8s\.io)/g;
const LOCAL_PORT = /\b(127\.0\.0\.1|localhost):\d{1,5}\b/g;
const SSH_PUBLIC_KEY = /\bssh-(?:rsa|ed25519) AAAA[0-9A-Za-z+/]+={0,2}(?: [^\s"]+)?/g;
/** A managed cluster's resourceUID is random (24 lowercase letters and digits); only that property's value. */
const RESOURCE_UID = /("resourceUid": ")[0-9a-z]{24}(?=")/g;

/** Replace what varies per run by stable placeholders; leave every other byte alone. */
function normalise(text: string, v: Vary): string {
  const sub6 = v.subscriptionId.slice(0, 6);
  let t = text;
  // longest first: the config directory may live next to HOME
  for (const [path, name] of [[v.configDir, '<config>'], [v.home, '<home>']] as const) t = t.replaceAll(path, name);
  t = t.replaceAll(v.subscriptionId, '<sub>');
  // az's default DNS prefix ends with the first 6 characters of the subscription id
  t = t.replace(new RegExp(`-${sub6}(?=[-".\\s]|$)`, 'g'), '-<sub6>');
  t = t.replace(SSH_PUBLIC_KEY, '<ssh-public-key>');
  t = t.replace(UUID, '<uuid>');
  t = t.replace(RESOURCE_UID, '$1<resource-uid>');
  t = t.replace(ISO_TIME, '<time>');
  t = t.replace(FQDN_SUFFIX, '-<rand>');
  t = t.replace(LOCAL_PORT, '$1:<port>');
  return t;
}

/** A command's complete result, normalised, as one text for a snapshot. */
function shown(r: CliResult): string {
  const v = { subscriptionId: server.profile.subscriptionId, home: env.home, configDir: env.configDir };
  return `exit ${r.code}\n--- stdout\n${normalise(r.stdout, v)}--- stderr\n${normalise(r.stderr, v)}`;
}

const run = async (line: string): Promise<string> => shown(await tl(env, line));

describe('the normaliser', () => {
  it('replaces exactly what varies and nothing else', () => {
    const v = { subscriptionId: '3fa85f64-5717-4562-b3fc-2c963f66afa6', home: '/tmp/tl-cli-AbC123/home', configDir: '/tmp/tl-cli-AbC123/config' };
    const sample = [
      '"id": "/subscriptions/3fa85f64-5717-4562-b3fc-2c963f66afa6/resourcegroups/rg/providers/x",',
      '"dnsPrefix": "myAKSClust-myResourceGroup-3fa85f",',
      '"fqdn": "myAKSClust-myResourceGroup-3fa85f-zp29csvd.hcp.eastus.azmk8s.io",',
      '"azurePortalFqdn": "myAKSClust-myResourceGroup-3fa85f-zp29csvd.portal.hcp.eastus.azmk8s.io",',
      '"principalId": "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", "eTag": "11111111-2222-3333-4444-555555555555",',
      '"createdAt": "2026-03-12T08:09:10.123456Z", "lastModifiedAt": "2026-03-12T08:09:10+00:00",',
      'server: https://127.0.0.1:40123 and localhost:8443',
      'WARNING: SSH key files \'/tmp/tl-cli-AbC123/home/.ssh/id_rsa\' and \'/tmp/tl-cli-AbC123/home/.ssh/id_rsa.pub\' have been generated',
      '"keyData": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7+/x== user@host"',
      '"resourceUid": "ri6fonuq1tbgxnlffpj5v3d5", "name": "ri6fonuq1tbgxnlffpj5v3d5",',
      // real content that looks like the above and must survive
      '"nodeImageVersion": "AKSUbuntu-2204gen2TLcontainerd-202403.04.0", "vmSize": "Standard_DS2_v2", "osDiskSizeGb": 128,',
      '"kubernetesVersion": "1.33.5", "dnsServiceIp": "10.0.0.10", "podCidr": "10.244.0.0/16", "maxSurge": "10%",',
      'aks-mynodepool-12345678-vmss000000 deadbeef 3fa85f 3fa85fzz myAKSCluster nodepool1 2026-03-12',
      'KubernetesVersion    Upgrades',
    ].join('\n');
    expect(normalise(sample, v)).toMatchInlineSnapshot(`
      ""id": "/subscriptions/<sub>/resourcegroups/rg/providers/x",
      "dnsPrefix": "myAKSClust-myResourceGroup-<sub6>",
      "fqdn": "myAKSClust-myResourceGroup-<sub6>-<rand>.hcp.eastus.azmk8s.io",
      "azurePortalFqdn": "myAKSClust-myResourceGroup-<sub6>-<rand>.portal.hcp.eastus.azmk8s.io",
      "principalId": "<uuid>", "eTag": "<uuid>",
      "createdAt": "<time>", "lastModifiedAt": "<time>",
      server: https://127.0.0.1:<port> and localhost:<port>
      WARNING: SSH key files '<home>/.ssh/id_rsa' and '<home>/.ssh/id_rsa.pub' have been generated
      "keyData": "<ssh-public-key>"
      "resourceUid": "<resource-uid>", "name": "ri6fonuq1tbgxnlffpj5v3d5",
      "nodeImageVersion": "AKSUbuntu-2204gen2TLcontainerd-202403.04.0", "vmSize": "Standard_DS2_v2", "osDiskSizeGb": 128,
      "kubernetesVersion": "1.33.5", "dnsServiceIp": "10.0.0.10", "podCidr": "10.244.0.0/16", "maxSurge": "10%",
      aks-mynodepool-12345678-vmss000000 deadbeef 3fa85f 3fa85fzz myAKSCluster nodepool1 2026-03-12
      KubernetesVersion    Upgrades"
    `);
  });
});

beforeAll(async () => {
  server = await startServer();
  env = cliEnv(server);
});
afterAll(async () => {
  await server?.stop();
});

const FEATURE = '--namespace "Microsoft.ContainerService" --name "TrustedLaunchPreview"';
const featureState = async () => (await tl(env, `feature show ${FEATURE} --query properties.state -o tsv`)).stdout;
const providerState = async () => (await tl(env, 'provider show -n Microsoft.ContainerService --query registrationState -o tsv')).stdout;

describe("the document's flow, every command's complete output", () => {
  it('extension add, group create', async () => {
    expect(await run('extension add --name aks-preview')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      --- stderr
      WARNING: The installed extension 'aks-preview' is in preview.
      "
    `);
    expect(await run('group create --name myResourceGroup --location eastus')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      {
        "id": "/subscriptions/<sub>/resourceGroups/myResourceGroup",
        "location": "eastus",
        "managedBy": null,
        "name": "myResourceGroup",
        "properties": {
          "provisioningState": "Succeeded"
        },
        "tags": null,
        "type": "Microsoft.Resources/resourceGroups"
      }
      --- stderr
      "
    `);
  });

  it('feature show before, feature register, feature show once Registered, the docs query', async () => {
    expect(await run(`feature show ${FEATURE}`)).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      {
        "id": "/subscriptions/<sub>/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/TrustedLaunchPreview",
        "name": "Microsoft.ContainerService/TrustedLaunchPreview",
        "properties": {
          "state": "NotRegistered"
        },
        "type": "Microsoft.Features/providers/features"
      }
      --- stderr
      "
    `);
    expect(await run(`feature register ${FEATURE}`)).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      {
        "id": "/subscriptions/<sub>/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/TrustedLaunchPreview",
        "name": "Microsoft.ContainerService/TrustedLaunchPreview",
        "properties": {
          "state": "Registering"
        },
        "type": "Microsoft.Features/providers/features"
      }
      --- stderr
      WARNING: Once the feature 'TrustedLaunchPreview' is registered, invoking 'tl provider register -n Microsoft.ContainerService' is required to get the change propagated
      "
    `);
    await waitFor(async () => (await featureState()) === 'Registered\n', 'the feature to be Registered');
    expect(await run(`feature show ${FEATURE}`)).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      {
        "id": "/subscriptions/<sub>/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/TrustedLaunchPreview",
        "name": "Microsoft.ContainerService/TrustedLaunchPreview",
        "properties": {
          "state": "Registered"
        },
        "type": "Microsoft.Features/providers/features"
      }
      --- stderr
      "
    `);
    expect(await run(`feature show ${FEATURE} --query properties.state -o tsv`)).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      Registered
      --- stderr
      "
    `);
    expect(await run(`feature register ${FEATURE}`)).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      {
        "id": "/subscriptions/<sub>/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/TrustedLaunchPreview",
        "name": "Microsoft.ContainerService/TrustedLaunchPreview",
        "properties": {
          "state": "Registered"
        },
        "type": "Microsoft.Features/providers/features"
      }
      --- stderr
      WARNING: Once the feature 'TrustedLaunchPreview' is registered, invoking 'tl provider register -n Microsoft.ContainerService' is required to get the change propagated
      "
    `);
  });

  it('provider register, then provider show as a table', async () => {
    expect(await run('provider register --namespace "Microsoft.ContainerService"')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      --- stderr
      WARNING: Registering is still on-going. You can monitor using 'tl provider show -n Microsoft.ContainerService'
      "
    `);
    await waitFor(async () => (await providerState()) === 'Registered\n', 'the provider to be Registered');
    // a provider the service answers as Registered at once: az prints nothing at all
    expect(await run('provider register --namespace Microsoft.Resources')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      --- stderr
      "
    `);
    expect(await run('provider show --namespace Microsoft.ContainerService -o table')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      Namespace                   ProviderAuthorizationConsentState    RegistrationPolicy    RegistrationState
      --------------------------  -----------------------------------  --------------------  -------------------
      Microsoft.ContainerService  NotRequired                          RegistrationRequired  Registered
      --- stderr
      "
    `);
  });

  it('aks create with Secure Boot and vTPM, get-credentials', async () => {
    expect(await run('aks create --name myAKSCluster --resource-group myResourceGroup --node-count 1 --enable-secure-boot --enable-vtpm --enable-managed-identity --generate-ssh-keys')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      {
        "aadProfile": null,
        "addonProfiles": null,
        "agentPoolProfiles": [
          {
            "availabilityZones": null,
            "capacityReservationGroupId": null,
            "count": 1,
            "creationData": null,
            "currentOrchestratorVersion": "1.33.5",
            "eTag": "<uuid>",
            "enableAutoScaling": false,
            "enableEncryptionAtHost": null,
            "enableFips": false,
            "enableNodePublicIp": false,
            "enableUltraSsd": null,
            "gpuInstanceProfile": null,
            "gpuProfile": null,
            "hostGroupId": null,
            "kubeletConfig": null,
            "kubeletDiskType": "OS",
            "linuxOsConfig": null,
            "maxCount": null,
            "maxPods": 250,
            "minCount": null,
            "mode": "System",
            "name": "nodepool1",
            "networkProfile": null,
            "nodeImageVersion": "AKSUbuntu-2204gen2TLcontainerd-202611.10.0",
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
            "scaleDownMode": "Delete",
            "scaleSetEvictionPolicy": null,
            "scaleSetPriority": "Regular",
            "securityProfile": {
              "enableSecureBoot": true,
              "enableVtpm": true,
              "sshAccess": "LocalUser"
            },
            "spotMaxPrice": null,
            "tags": null,
            "type": "VirtualMachineScaleSets",
            "upgradeSettings": {
              "maxSurge": "10%"
            },
            "vmSize": "Standard_DS2_v2",
            "vnetSubnetId": null,
            "windowsProfile": null,
            "workloadRuntime": null
          }
        ],
        "apiServerAccessProfile": null,
        "autoScalerProfile": null,
        "autoUpgradeProfile": {
          "nodeOsUpgradeChannel": "NodeImage"
        },
        "azureMonitorProfile": null,
        "azurePortalFqdn": "myAKSClust-myResourceGroup-<sub6>-<rand>.portal.hcp.eastus.azmk8s.io",
        "currentKubernetesVersion": "1.33.5",
        "disableLocalAccounts": false,
        "diskEncryptionSetId": null,
        "dnsPrefix": "myAKSClust-myResourceGroup-<sub6>",
        "eTag": "<uuid>",
        "enableRbac": true,
        "extendedLocation": null,
        "fqdn": "myAKSClust-myResourceGroup-<sub6>-<rand>.hcp.eastus.azmk8s.io",
        "fqdnSubdomain": null,
        "httpProxyConfig": null,
        "id": "/subscriptions/<sub>/resourcegroups/myResourceGroup/providers/Microsoft.ContainerService/managedClusters/myAKSCluster",
        "identity": {
          "principalId": "<uuid>",
          "tenantId": "<uuid>",
          "type": "SystemAssigned"
        },
        "identityProfile": {
          "kubeletidentity": {
            "clientId": "<uuid>",
            "objectId": "<uuid>",
            "resourceId": "/subscriptions/<sub>/resourcegroups/MC_myResourceGroup_myAKSCluster_eastus/providers/Microsoft.ManagedIdentity/userAssignedIdentities/myAKSCluster-agentpool"
          }
        },
        "ingressProfile": null,
        "kubernetesVersion": "1.33.5",
        "linuxProfile": {
          "adminUsername": "azureuser",
          "ssh": {
            "publicKeys": [
              {
                "keyData": "<ssh-public-key>"
              }
            ]
          }
        },
        "location": "eastus",
        "maxAgentPools": 100,
        "metricsProfile": null,
        "name": "myAKSCluster",
        "networkProfile": {
          "dnsServiceIp": "10.0.0.10",
          "ipFamilies": [
            "IPv4"
          ],
          "loadBalancerProfile": {
            "allocatedOutboundPorts": 0,
            "backendPoolType": "NodeIPConfiguration",
            "idleTimeoutInMinutes": 30,
            "managedOutboundIPs": {
              "count": 1
            }
          },
          "loadBalancerSku": "standard",
          "networkDataplane": "azure",
          "networkPlugin": "azure",
          "networkPluginMode": "overlay",
          "networkPolicy": "none",
          "outboundType": "loadBalancer",
          "podCidr": "10.244.0.0/16",
          "podCidrs": [
            "10.244.0.0/16"
          ],
          "serviceCidr": "10.0.0.0/16",
          "serviceCidrs": [
            "10.0.0.0/16"
          ]
        },
        "nodeResourceGroup": "MC_myResourceGroup_myAKSCluster_eastus",
        "oidcIssuerProfile": {
          "enabled": false
        },
        "podIdentityProfile": null,
        "powerState": {
          "code": "Running"
        },
        "privateFqdn": null,
        "privateLinkResources": null,
        "provisioningState": "Succeeded",
        "publicNetworkAccess": null,
        "resourceGroup": "myResourceGroup",
        "resourceUid": "<resource-uid>",
        "securityProfile": {},
        "serviceMeshProfile": null,
        "servicePrincipalProfile": {
          "clientId": "msi"
        },
        "sku": {
          "name": "Base",
          "tier": "Free"
        },
        "storageProfile": {
          "diskCsiDriver": {
            "enabled": true
          },
          "fileCsiDriver": {
            "enabled": true
          },
          "snapshotController": {
            "enabled": true
          }
        },
        "supportPlan": "KubernetesOfficial",
        "systemData": null,
        "tags": null,
        "type": "Microsoft.ContainerService/ManagedClusters",
        "upgradeSettings": null,
        "windowsProfile": null,
        "workloadAutoScalerProfile": null
      }
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      WARNING: SSH key files '<home>/.ssh/id_rsa' and '<home>/.ssh/id_rsa.pub' have been generated under ~/.ssh to allow SSH access to the VM. If using machines without permanent storage like Azure Cloud Shell without an attached file share, back up your keys to a safe location
      "
    `);
    expect(await run('aks get-credentials --resource-group myResourceGroup --name myAKSCluster')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      WARNING: Merged "myAKSCluster" as current context in <home>/.kube/config
      "
    `);
  });

  it('nodepool add (the line with the typographic dash), and the same name again', async () => {
    expect(await run('aks nodepool add --resource-group myResourceGroup -\u2013cluster-name myAKSCluster --name mynodepool --node-count 3 --enable-vtpm  ')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      {
        "agentPoolType": "VirtualMachineScaleSets",
        "availabilityZones": null,
        "capacityReservationGroupId": null,
        "count": 3,
        "creationData": null,
        "currentOrchestratorVersion": "1.33.5",
        "eTag": "<uuid>",
        "enableAutoScaling": false,
        "enableEncryptionAtHost": null,
        "enableFips": false,
        "enableNodePublicIp": false,
        "enableUltraSsd": null,
        "gpuInstanceProfile": null,
        "gpuProfile": null,
        "hostGroupId": null,
        "id": "/subscriptions/<sub>/resourcegroups/myResourceGroup/providers/Microsoft.ContainerService/managedClusters/myAKSCluster/agentPools/mynodepool",
        "kubeletConfig": null,
        "kubeletDiskType": "OS",
        "linuxOsConfig": null,
        "maxCount": null,
        "maxPods": 250,
        "minCount": null,
        "mode": "User",
        "name": "mynodepool",
        "networkProfile": null,
        "nodeImageVersion": "AKSUbuntu-2204gen2TLcontainerd-202611.10.0",
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
        "resourceGroup": "myResourceGroup",
        "scaleDownMode": "Delete",
        "scaleSetEvictionPolicy": null,
        "scaleSetPriority": "Regular",
        "securityProfile": {
          "enableSecureBoot": false,
          "enableVtpm": true,
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
      --- stderr
      WARNING: Argument '-–cluster-name' contains a typographic dash (U+2013 EN DASH), as pasted from documents; it was read as '--cluster-name'.
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      "
    `);
    expect(await run('aks nodepool add --resource-group myResourceGroup --cluster-name myAKSCluster --name mynodepool --node-count 3 --enable-vtpm --enable-secure-boot')).toMatchInlineSnapshot(`
      "exit 1
      --- stdout
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      ERROR: Node pool mynodepool already exists, please try a different name, use 'aks nodepool list' to get current list of node pool
      "
    `);
  });

  it('nodepool update --enable-secure-boot, then the disable switches', async () => {
    expect(await run('aks nodepool update --cluster-name myAKSCluster --resource-group myResourceGroup --name mynodepool --enable-secure-boot')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      {
        "agentPoolType": "VirtualMachineScaleSets",
        "availabilityZones": null,
        "capacityReservationGroupId": null,
        "count": 3,
        "creationData": null,
        "currentOrchestratorVersion": "1.33.5",
        "eTag": "<uuid>",
        "enableAutoScaling": false,
        "enableEncryptionAtHost": null,
        "enableFips": false,
        "enableNodePublicIp": false,
        "enableUltraSsd": null,
        "gpuInstanceProfile": null,
        "gpuProfile": null,
        "hostGroupId": null,
        "id": "/subscriptions/<sub>/resourcegroups/myResourceGroup/providers/Microsoft.ContainerService/managedClusters/myAKSCluster/agentPools/mynodepool",
        "kubeletConfig": null,
        "kubeletDiskType": "OS",
        "linuxOsConfig": null,
        "maxCount": null,
        "maxPods": 250,
        "minCount": null,
        "mode": "User",
        "name": "mynodepool",
        "networkProfile": null,
        "nodeImageVersion": "AKSUbuntu-2204gen2TLcontainerd-202611.10.0",
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
        "resourceGroup": "myResourceGroup",
        "scaleDownMode": "Delete",
        "scaleSetEvictionPolicy": null,
        "scaleSetPriority": "Regular",
        "securityProfile": {
          "enableSecureBoot": true,
          "enableVtpm": true,
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
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      "
    `);
    expect(await run('aks nodepool update --cluster-name myAKSCluster --resource-group myResourceGroup --name mynodepool --disable-secure-boot --query securityProfile')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      {
        "enableSecureBoot": false,
        "enableVtpm": true,
        "sshAccess": "LocalUser"
      }
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      "
    `);
    expect(await run('aks nodepool update --cluster-name myAKSCluster --resource-group myResourceGroup --name mynodepool --disable-vtpm --query "{name: name, securityProfile: securityProfile, nodeImageVersion: nodeImageVersion}" -o yaml')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      name: mynodepool
      nodeImageVersion: AKSUbuntu-2204gen2TLcontainerd-202611.10.0
      securityProfile:
        enableSecureBoot: false
        enableVtpm: false
        sshAccess: LocalUser
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      "
    `);
  });

  it('tables: aks list, nodepool list, get-versions', async () => {
    expect(await run('aks list -o table')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      Name          Location    ResourceGroup    KubernetesVersion    CurrentKubernetesVersion    ProvisioningState    Fqdn
      ------------  ----------  ---------------  -------------------  --------------------------  -------------------  ---------------------------------------------------------------
      myAKSCluster  eastus      myResourceGroup  1.33.5               1.33.5                      Succeeded            myAKSClust-myResourceGroup-<sub6>-<rand>.hcp.eastus.azmk8s.io
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      "
    `);
    expect(await run('aks nodepool list --resource-group myResourceGroup --cluster-name myAKSCluster -o table')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      Name        OsType    KubernetesVersion    VmSize           Count    MaxPods    ProvisioningState    Mode
      ----------  --------  -------------------  ---------------  -------  ---------  -------------------  ------
      nodepool1   Linux     1.33.5               Standard_DS2_v2  1        250        Succeeded            System
      mynodepool  Linux     1.33.5               Standard_DS2_v2  3        250        Succeeded            User
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      "
    `);
    expect(await run('aks get-versions --location eastus -o table')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      KubernetesVersion    Upgrades                          SupportPlan
      -------------------  --------------------------------  --------------------------------------
      1.35.0(preview)      None available                    KubernetesOfficial
      1.34.1               1.35.0                            KubernetesOfficial
      1.33.5               1.34.1                            KubernetesOfficial
      1.33.2               1.33.5, 1.34.1                    KubernetesOfficial
      1.32.9               1.33.2, 1.33.5                    KubernetesOfficial, AKSLongTermSupport
      1.32.6               1.32.9, 1.33.2, 1.33.5            KubernetesOfficial, AKSLongTermSupport
      1.31.13              1.32.6, 1.32.9                    KubernetesOfficial, AKSLongTermSupport
      1.31.10              1.31.13, 1.32.6, 1.32.9           KubernetesOfficial, AKSLongTermSupport
      1.30.14              1.31.10, 1.31.13                  KubernetesOfficial, AKSLongTermSupport
      1.29.15              1.30.14                           AKSLongTermSupport
      1.28.15              1.29.15                           AKSLongTermSupport
      1.27.16              1.28.15                           AKSLongTermSupport
      1.27.9               1.27.16, 1.28.15                  AKSLongTermSupport
      1.26.15              1.27.9, 1.27.16                   AKSLongTermSupport
      1.26.6               1.26.15, 1.27.9, 1.27.16          AKSLongTermSupport
      1.25.15              1.26.6, 1.26.15                   AKSLongTermSupport
      1.25.6               1.25.15, 1.26.6, 1.26.15          AKSLongTermSupport
      1.25.2               1.25.6, 1.25.15, 1.26.6, 1.26.15  AKSLongTermSupport
      1.24.10              1.25.2, 1.25.6, 1.25.15           AKSLongTermSupport
      1.24.9               1.24.10, 1.25.2, 1.25.6, 1.25.15  AKSLongTermSupport
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      "
    `);
  });

  it('aks show --query', async () => {
    expect(await run('aks show --resource-group myResourceGroup --name myAKSCluster --query "agentPoolProfiles[].{name: name, image: nodeImageVersion, secureBoot: securityProfile.enableSecureBoot, vtpm: securityProfile.enableVtpm}"')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      [
        {
          "image": "AKSUbuntu-2204gen2TLcontainerd-202611.10.0",
          "name": "nodepool1",
          "secureBoot": true,
          "vtpm": true
        },
        {
          "image": "AKSUbuntu-2204gen2TLcontainerd-202611.10.0",
          "name": "mynodepool",
          "secureBoot": false,
          "vtpm": false
        }
      ]
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      "
    `);
    expect(await run('aks show --resource-group myResourceGroup --name myAKSCluster --query "agentPoolProfiles[0].securityProfile" -o tsv')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      True	True	LocalUser
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      "
    `);
    expect(await run('aks show --resource-group myResourceGroup --name myAKSCluster --query "{fqdn: fqdn, dnsPrefix: dnsPrefix, nodeResourceGroup: nodeResourceGroup}" -o table')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      Fqdn                                                             DnsPrefix                          NodeResourceGroup
      ---------------------------------------------------------------  ---------------------------------  --------------------------------------
      myAKSClust-myResourceGroup-<sub6>-<rand>.hcp.eastus.azmk8s.io  myAKSClust-myResourceGroup-<sub6>  MC_myResourceGroup_myAKSCluster_eastus
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      "
    `);
  });
});

describe('the texts of refused commands', () => {
  const POOL = '--resource-group myResourceGroup --cluster-name myAKSCluster';

  it('client-side checks (never reach the server)', async () => {
    expect(await run(`aks nodepool update ${POOL} --name mynodepool --enable-secure-boot --disable-secure-boot`)).toMatchInlineSnapshot(`
      "exit 1
      --- stdout
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      ERROR: Cannot specify "--enable-secure-boot" and "--disable-secure-boot" at the same time
      "
    `);
    expect(await run(`aks nodepool update ${POOL} --name mynodepool --enable-vtpm --disable-vtpm`)).toMatchInlineSnapshot(`
      "exit 1
      --- stdout
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      ERROR: Cannot specify "--enable-vtpm" and "--disable-vtpm" at the same time
      "
    `);
    expect(await run(`aks nodepool add ${POOL} --name mynodepool12345 --enable-vtpm`)).toMatchInlineSnapshot(`
      "exit 1
      --- stdout
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      ERROR: --nodepool-name can contain at most 12 characters
      "
    `);
    expect(await run(`aks nodepool add ${POOL} --name my_pool --enable-vtpm`)).toMatchInlineSnapshot(`
      "exit 1
      --- stdout
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      ERROR: --nodepool-name should contain only alphanumeric characters
      "
    `);
    expect(await run(`aks nodepool update ${POOL} --name mynodepool`)).toMatchInlineSnapshot(`
      "exit 1
      --- stdout
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      ERROR: Please specify one or more of "--tags" or "--mode" or "--max-surge" or "--labels" or "--node-taints" or "--enable-secure-boot" or "--disable-secure-boot" or "--enable-vtpm" or "--disable-vtpm".
      "
    `);
  });

  it('the preview flags without aks-preview', async () => {
    const bare = cliEnv(server);
    const r = await tl(bare, `aks nodepool add ${POOL} --name other --enable-vtpm --enable-secure-boot`);
    expect(normalise(`exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`, { subscriptionId: server.profile.subscriptionId, home: bare.home, configDir: bare.configDir })).toMatchInlineSnapshot(`
      "exit 2
      --- stdout
      --- stderr
      ERROR: unrecognized arguments: --enable-vtpm --enable-secure-boot
      The argument '--enable-vtpm' requires the extension aks-preview (version 1.0.0b6 or later), which is not added. To install, run 'tl extension add --name aks-preview'.
      The argument '--enable-secure-boot' requires the extension aks-preview (version 1.0.0b6 or later), which is not added. To install, run 'tl extension add --name aks-preview'.

      Examples from AI knowledge base:
      tl aks nodepool add -g MyResourceGroup -n nodepool1 --cluster-name MyManagedCluster --node-osdisk-type Ephemeral --node-osdisk-size 48
      Create a nodepool in an existing AKS cluster with ephemeral os enabled.

      https://learn.microsoft.com/cli/azure/aks/nodepool#az-aks-nodepool-add
      Read more about the command in reference docs
      "
    `);
  });

  it("the server's rules, in az's error layout", async () => {
    expect(await run(`aks nodepool add ${POOL} --name win1 --os-type Windows --enable-vtpm`)).toMatchInlineSnapshot(`
      "exit 1
      --- stdout
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      ERROR: (TrustedLaunchNotSupportedForWindows) Trusted Launch (vTPM and Secure Boot) is not supported for Windows node pools. Use osType "Linux" for pool "win1", or turn off enableVTPM and enableSecureBoot.
      Code: TrustedLaunchNotSupportedForWindows
      Message: Trusted Launch (vTPM and Secure Boot) is not supported for Windows node pools. Use osType "Linux" for pool "win1", or turn off enableVTPM and enableSecureBoot.
      Target: osType
      "
    `);
    expect(await run(`aks nodepool add ${POOL} --name fips1 --enable-fips-image --enable-secure-boot`)).toMatchInlineSnapshot(`
      "exit 1
      --- stdout
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      ERROR: (TrustedLaunchNotSupportedWithFIPS) Trusted Launch (vTPM and Secure Boot) is not supported on node pools with FIPS enabled. Set enableFIPS to false (az: omit --enable-fips-image), or turn off enableVTPM and enableSecureBoot.
      Code: TrustedLaunchNotSupportedWithFIPS
      Message: Trusted Launch (vTPM and Secure Boot) is not supported on node pools with FIPS enabled. Set enableFIPS to false (az: omit --enable-fips-image), or turn off enableVTPM and enableSecureBoot.
      Target: enableFIPS
      "
    `);
    expect(await run(`aks nodepool add ${POOL} --name Upper1`)).toMatchInlineSnapshot(`
      "exit 1
      --- stdout
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      ERROR: (InvalidParameter) The value of parameter agentPoolProfile.name is invalid. Please see https://aka.ms/aks-naming-rules for more details. "Upper1": it must start with a lowercase letter. Node pool names contain only lowercase alphanumeric characters, start with a lowercase letter, and have 1-11 characters for Linux pools or 1-6 for Windows pools.
      Code: InvalidParameter
      Message: The value of parameter agentPoolProfile.name is invalid. Please see https://aka.ms/aks-naming-rules for more details. "Upper1": it must start with a lowercase letter. Node pool names contain only lowercase alphanumeric characters, start with a lowercase letter, and have 1-11 characters for Linux pools or 1-6 for Windows pools.
      Target: agentPoolProfile.name
      "
    `);
  });

  it('what does not exist', async () => {
    expect(await run('aks show --resource-group myResourceGroup --name nope')).toMatchInlineSnapshot(`
      "exit 3
      --- stdout
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      ERROR: (ResourceNotFound) The Resource 'Microsoft.ContainerService/managedClusters/nope' under resource group 'myResourceGroup' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix
      Code: ResourceNotFound
      Message: The Resource 'Microsoft.ContainerService/managedClusters/nope' under resource group 'myResourceGroup' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix
      "
    `);
    expect(await run(`aks nodepool show ${POOL} --name nope`)).toMatchInlineSnapshot(`
      "exit 3
      --- stdout
      --- stderr
      WARNING: The behavior of this command has been altered by the following extension: aks-preview
      ERROR: (NotFound) Agent pool 'nope' was not found in managed cluster 'myAKSCluster'. Use 'az aks nodepool list' to see the node pools.
      Code: NotFound
      Message: Agent pool 'nope' was not found in managed cluster 'myAKSCluster'. Use 'az aks nodepool list' to see the node pools.
      "
    `);
    expect(await run('feature register --namespace Microsoft.ContainerService --name NopePreview')).toMatchInlineSnapshot(`
      "exit 3
      --- stdout
      --- stderr
      WARNING: Once the feature 'NopePreview' is registered, invoking 'tl provider register -n Microsoft.ContainerService' is required to get the change propagated
      ERROR: (FeatureNotFound) The feature 'NopePreview' could not be found.
      Code: FeatureNotFound
      Message: The feature 'NopePreview' could not be found.
      "
    `);
  });
});
