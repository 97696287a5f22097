/**
 * Microsoft.Compute views of the scale sets and VMs behind agent pools (read-only), with the
 * Trusted Launch settings as Compute shows them:
 * `securityProfile: { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled, vTpmEnabled } }`
 * (azure-compute-docs trusted-launch.md).
 */
import { ids } from '../../../platform/model/keys.js';
import type { VirtualMachine, VmModel } from '../../../platform/model/types.js';
import type { ScaleSetView } from '../../../platform/services/compute.js';

function securityProfile(m: Pick<VmModel, 'securityType' | 'secureBootEnabled' | 'vTpmEnabled'>): Record<string, unknown> {
  return m.securityType === 'TrustedLaunch'
    ? { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: m.secureBootEnabled, vTpmEnabled: m.vTpmEnabled } }
    : { securityType: 'Standard' };
}

function imageReference(sub: string, nodeImageVersion: string): Record<string, unknown> {
  // AKS node images live in a shared gallery: …/galleries/AKSUbuntu/images/2204gen2TLcontainerd/versions/202611.10.0
  const m = nodeImageVersion.match(/^AKS([A-Za-z]+)-(.+)-(\d{6}\.\d{2}\.\d+)$/);
  const [gallery, image, version] = m ? [`AKS${m[1]}`, m[2]!, m[3]!] : ['AKSUbuntu', nodeImageVersion, 'latest'];
  return { id: `/subscriptions/${sub}/resourceGroups/AKS-${gallery}/providers/Microsoft.Compute/galleries/${gallery}/images/${image}/versions/${version}` };
}

export function scaleSetToWire(v: ScaleSetView): Record<string, unknown> {
  const s = v.scaleSet;
  const pool = v.pool;
  const model: Pick<VmModel, 'securityType' | 'secureBootEnabled' | 'vTpmEnabled'> = pool
    ? { securityType: pool.trustedLaunchImage ? 'TrustedLaunch' : 'Standard', secureBootEnabled: pool.securityProfile.enableSecureBoot, vTpmEnabled: pool.securityProfile.enableVTPM }
    : { securityType: 'Standard', secureBootEnabled: false, vTpmEnabled: false };
  return {
    id: ids.scaleSet(s.subscriptionId, s.nodeResourceGroup, s.name),
    name: s.name,
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    location: s.location,
    tags: pool ? { 'aks-managed-poolName': pool.name, 'aks-managed-orchestrator': `Kubernetes:${pool.orchestratorVersion}`, 'aks-managed-createOperationID': '' } : {},
    sku: { name: pool?.vmSize ?? 'unknown', tier: 'Standard', capacity: v.capacity },
    properties: {
      provisioningState: pool && pool.provisioningState !== 'Succeeded' && pool.provisioningState !== 'Failed' ? 'Updating' : pool?.provisioningState ?? 'Succeeded',
      uniqueId: s.uniqueId,
      orchestrationMode: 'Uniform',
      overprovision: false,
      upgradePolicy: { mode: 'Manual' },
      virtualMachineProfile: {
        osProfile: { computerNamePrefix: s.name, adminUsername: 'azureuser' },
        storageProfile: {
          imageReference: pool ? imageReference(s.subscriptionId, pool.nodeImageVersion) : {},
          osDisk: {
            osType: pool?.osType ?? 'Linux',
            createOption: 'FromImage',
            caching: pool?.osDiskType === 'Ephemeral' ? 'ReadOnly' : 'ReadWrite',
            diskSizeGB: pool?.osDiskSizeGB ?? 128,
            ...(pool?.osDiskType === 'Ephemeral' ? { diffDiskSettings: { option: 'Local', placement: 'CacheDisk' } } : { managedDisk: { storageAccountType: 'Premium_LRS' } }),
          },
        },
        securityProfile: securityProfile(model),
      },
      timeCreated: new Date(s.createdAt).toISOString(),
    },
  };
}

const POWER: Record<string, string> = { Creating: 'PowerState/starting', Booting: 'PowerState/starting', Running: 'PowerState/running', Reimaging: 'PowerState/stopped', Deleting: 'PowerState/deallocating', Failed: 'PowerState/stopped', Stopped: 'PowerState/stopped' };

export function vmInstanceView(vm: VirtualMachine, os: { name: string; version: string } | undefined): Record<string, unknown> {
  const provisioning = vm.stage === 'Failed' ? 'ProvisioningState/failed' : vm.stage === 'Running' || vm.stage === 'Stopped' ? 'ProvisioningState/succeeded' : vm.stage === 'Deleting' ? 'ProvisioningState/deleting' : 'ProvisioningState/updating';
  return {
    computerName: vm.computerName,
    ...(os ? { osName: os.name, osVersion: os.version } : {}),
    hyperVGeneration: 'V2',
    statuses: [
      { code: provisioning, level: vm.stage === 'Failed' ? 'Error' : 'Info', displayStatus: vm.stage === 'Failed' ? 'Provisioning failed' : 'Provisioning succeeded', ...(vm.failure ? { message: `${vm.failure.code}: ${vm.failure.message}` } : {}) },
      { code: POWER[vm.stage] ?? 'PowerState/unknown', level: 'Info', displayStatus: `VM ${(POWER[vm.stage] ?? 'unknown').split('/')[1]}` },
    ],
    bootDiagnostics: {},
  };
}

/** `instanceView`: the guest OS to show in it (ComputeService.guestOs) when the caller expanded it; omitted when undefined. */
export function vmToWire(vm: VirtualMachine, location: string, latestGeneration: number | undefined, instanceView?: { os: { name: string; version: string } | undefined }): Record<string, unknown> {
  return {
    id: ids.vm(vm.subscriptionId, vm.nodeResourceGroup, vm.vmssName, vm.instanceId),
    name: `${vm.vmssName}_${vm.instanceId}`,
    type: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines',
    location,
    instanceId: String(vm.instanceId),
    sku: { name: vm.model.vmSize, tier: 'Standard' },
    properties: {
      latestModelApplied: latestGeneration === undefined || vm.model.generation >= latestGeneration,
      vmId: vm.vmId,
      provisioningState: vm.stage === 'Failed' ? 'Failed' : vm.stage === 'Running' || vm.stage === 'Stopped' ? 'Succeeded' : vm.stage === 'Deleting' ? 'Deleting' : 'Updating',
      hardwareProfile: { vmSize: vm.model.vmSize },
      osProfile: { computerName: vm.computerName, adminUsername: 'azureuser' },
      securityProfile: securityProfile(vm.model),
      storageProfile: { imageReference: imageReference(vm.subscriptionId, vm.model.nodeImageVersion) },
      timeCreated: new Date(vm.createdAt).toISOString(),
      ...(instanceView ? { instanceView: vmInstanceView(vm, instanceView.os) } : {}),
    },
  };
}
