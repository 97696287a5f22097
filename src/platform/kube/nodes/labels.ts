/**
 * The labels AKS puts on a node (reference/aks-api.md §4.2, use-labels.md "Reserved system
 * labels", and what `kubectl get nodes --show-labels` prints on an AKS cluster), plus the
 * Trusted Launch labels: `kubernetes.azure.com/trusted-launch=true` when the VM runs with a
 * vTPM and `kubernetes.azure.com/secure-boot=true` with Secure Boot (the document's node
 * selectors), and `kubernetes.azure.com/security-type=TrustedLaunch` on Trusted Launch images
 * (the GA documentation's selector). They are computed from the model the VM *runs*, not the
 * pool's target, so a node mid-reimage keeps the labels of what it booted.
 */
import { findVmSize } from '../../catalog/vm-sizes.js';
import type { AgentPool, ManagedCluster, VirtualMachine } from '../../model/types.js';

/** Zone of a VM: non-zonal pools report "0"; zonal pools spread instances over their zones. */
export function zoneOf(vm: VirtualMachine, pool: AgentPool, location: string): string {
  const zones = pool.availabilityZones;
  return zones.length ? `${location}-${zones[vm.instanceId % zones.length]}` : '0';
}

export function systemNodeLabels(vm: VirtualMachine, pool: AgentPool, cluster: ManagedCluster): Record<string, string> {
  const size = findVmSize(vm.model.vmSize);
  const arch = size?.architecture === 'Arm64' ? 'arm64' : 'amd64';
  const os = pool.osType === 'Windows' ? 'windows' : 'linux';
  const zone = zoneOf(vm, pool, cluster.location);
  const m = vm.model;
  const labels: Record<string, string> = {
    agentpool: pool.name,
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/instance-type': m.vmSize,
    'beta.kubernetes.io/os': os,
    'failure-domain.beta.kubernetes.io/region': cluster.location,
    'failure-domain.beta.kubernetes.io/zone': zone,
    'kubernetes.azure.com/agentpool': pool.name,
    'kubernetes.azure.com/cluster': cluster.nodeResourceGroup,
    'kubernetes.azure.com/mode': pool.mode.toLowerCase(),
    'kubernetes.azure.com/node-image-version': m.nodeImageVersion,
    'kubernetes.azure.com/nodepool-type': pool.type,
    'kubernetes.azure.com/os-sku': pool.osSKU,
    'kubernetes.azure.com/role': 'agent',
    'kubernetes.azure.com/storageprofile': 'managed',
    'kubernetes.azure.com/storagetier': 'Premium_LRS',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': vm.computerName,
    'kubernetes.io/os': os,
    'kubernetes.io/role': 'agent',
    'node-role.kubernetes.io/agent': '',
    'node.kubernetes.io/instance-type': m.vmSize,
    storageprofile: 'managed',
    storagetier: 'Premium_LRS',
    'topology.disk.csi.azure.com/zone': zone === '0' ? '' : zone,
    'topology.kubernetes.io/region': cluster.location,
    'topology.kubernetes.io/zone': zone,
  };
  if (pool.scaleSetPriority === 'Spot') labels['kubernetes.azure.com/scalesetpriority'] = 'spot';
  if (pool.enableFIPS) labels['kubernetes.azure.com/fips_enabled'] = 'true';
  if (size?.gpu) {
    labels['kubernetes.azure.com/accelerator'] = 'nvidia';
    labels.accelerator = 'nvidia';
  }
  if (m.securityType === 'TrustedLaunch') labels['kubernetes.azure.com/security-type'] = 'TrustedLaunch';
  if (m.vTpmEnabled) labels['kubernetes.azure.com/trusted-launch'] = 'true';
  if (m.secureBootEnabled) labels['kubernetes.azure.com/secure-boot'] = 'true';
  return labels;
}
