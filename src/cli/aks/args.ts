/**
 * The arguments of the aks commands, with az's and aks-preview's names and help texts
 * (reference/aks-api.md §3.2–§3.3). The Trusted Launch and GPU-driver switches belong to the
 * aks-preview extension: they exist only while it is added (≥ 1.0.0b6, the document's
 * prerequisite).
 */
import type { ArgSpec } from '../framework/types.js';

const AKS_PREVIEW = { name: 'aks-preview', minVersion: '1.0.0b6' } as const;

export const CLUSTER_NAME: ArgSpec = { names: ['--cluster-name'], required: true, help: 'The cluster name.' };
export const NODEPOOL_NAME: ArgSpec = {
  names: ['--name', '--nodepool-name', '-n'],
  dest: 'nodepoolName',
  required: true,
  help: 'The node pool name. It may contain only lowercase alphanumeric characters and must begin with a lowercase letter; for Linux node pools the length must be between 1 and 11 characters.',
};
export const MANAGED_CLUSTER_NAME: ArgSpec = { names: ['--name', '-n'], required: true, help: 'Name of the managed cluster.' };

export const NODE_COUNT: ArgSpec = {
  names: ['--node-count', '-c'],
  type: 'int',
  help: 'Number of nodes in the Kubernetes node pool. It is required when --enable-cluster-autoscaler specified. If not specified, the default is 3.',
  defaultText: '3',
};
export const KUBERNETES_VERSION: ArgSpec = { names: ['--kubernetes-version', '-k'], help: 'Version of Kubernetes to use for creating the cluster, such as "1.29.7" or "1.30.3". Values from: `az aks get-versions`.' };
export const NODE_VM_SIZE: ArgSpec = { names: ['--node-vm-size', '-s'], help: 'Size of Virtual Machines to create as Kubernetes nodes. If not specified, the service chooses a default (Standard_DS2_v2).' };
export const OS_TYPE: ArgSpec = { names: ['--os-type'], choices: ['Linux', 'Windows'], help: 'The OS Type. Linux or Windows.', defaultText: 'Linux' };
export const OS_SKU: ArgSpec = {
  names: ['--os-sku'],
  choices: ['AzureLinux', 'CBLMariner', 'Mariner', 'Ubuntu', 'Ubuntu2204', 'Ubuntu2404', 'Windows2019', 'Windows2022'],
  help: 'The OS SKU of the agent node pool. Ubuntu or AzureLinux when os-type is Linux, default is Ubuntu if not set; Windows2019 or Windows2022 when os-type is Windows.',
};
export const ENABLE_FIPS: ArgSpec = { names: ['--enable-fips-image'], kind: 'flag', help: 'Use FIPS-enabled OS on agent nodes.' };
export const VM_SET_TYPE: ArgSpec = { names: ['--vm-set-type'], help: 'Agent pool vm set type. VirtualMachineScaleSets, AvailabilitySet or VirtualMachines(Preview).', defaultText: 'VirtualMachineScaleSets' };
export const OSDISK_TYPE: ArgSpec = {
  names: ['--node-osdisk-type'],
  choices: ['Ephemeral', 'Managed'],
  help: "OS disk type to be used for machines in a given agent pool. Defaults to 'Ephemeral' when possible in conjunction with VM size and OS disk size. May not be changed for this pool after creation. ('Ephemeral' or 'Managed')",
};
export const OSDISK_SIZE: ArgSpec = { names: ['--node-osdisk-size'], type: 'int', help: 'Size in GiB of the OS disk for each node in the node pool. Minimum 30 GiB.' };
export const MAX_PODS: ArgSpec = { names: ['--max-pods', '-m'], type: 'int', help: 'The maximum number of pods deployable to a node. If not specified, defaults based on network-plugin. 30 for "azure", 110 for "kubenet", or 250 for "none".' };
export const MODE: ArgSpec = { names: ['--mode'], choices: ['System', 'User'], help: 'The mode for a node pool which defines a node pool\'s primary function. If set as "System", AKS prefers system pods scheduling to node pools with mode `System`.' };
export const LABELS: ArgSpec = { names: ['--labels'], kind: 'list', help: 'The node labels for the node pool. You can\'t change the node labels through CLI after the node pool is created. See https://aka.ms/node-labels for syntax of labels.' };
export const NODE_TAINTS: ArgSpec = { names: ['--node-taints'], help: 'The node taints for the node pool. Comma-separated, e.g. "key1=value1:NoSchedule,key2=value2:NoSchedule".' };
export const MAX_SURGE: ArgSpec = { names: ['--max-surge'], help: 'Extra nodes used to speed upgrade. When specified, it represents the number or percent used, eg. 5 or 33%.' };
export const ZONES: ArgSpec = { names: ['--zones', '-z'], kind: 'list', help: 'Space-separated list of availability zones where agent nodes will be placed.' };
export const NODEPOOL_TAGS: ArgSpec = { names: ['--tags'], kind: 'list', help: 'The tags of the node pool. Space-separated tags: key[=value] [key[=value] ...].' };

// --- aks-preview: Trusted Launch and the GPU driver
const SB = 'Secure Boot lets only boot loaders, kernels and drivers signed by a trusted publisher start.';
const VTPM = 'The vTPM measures the whole boot chain of the node (UEFI, OS, system and drivers) for attestation.';
export const ENABLE_SECURE_BOOT_POOL: ArgSpec = { names: ['--enable-secure-boot'], kind: 'flag', extension: AKS_PREVIEW, help: `Enable Secure Boot on agent node pool. Must use VMSS agent pool type. ${SB}` };
export const ENABLE_VTPM_POOL: ArgSpec = { names: ['--enable-vtpm'], kind: 'flag', extension: AKS_PREVIEW, help: `Enable vTPM on agent node pool. Must use VMSS agent pool type. ${VTPM}` };
export const ENABLE_SECURE_BOOT_CLUSTER: ArgSpec = { ...ENABLE_SECURE_BOOT_POOL, help: `Enable Secure Boot on all node pools in the cluster. Must use VMSS agent pool type. ${SB}` };
export const ENABLE_VTPM_CLUSTER: ArgSpec = { ...ENABLE_VTPM_POOL, help: `Enable vTPM on all node pools in the cluster. Must use VMSS agent pool type. ${VTPM}` };
export const ENABLE_SECURE_BOOT_UPDATE: ArgSpec = {
  ...ENABLE_SECURE_BOOT_POOL,
  help: 'Enable Secure Boot on an existing Trusted Launch enabled agent node pool. Must use VMSS agent pool type. Pools created before the TrustedLaunchPreview feature was registered have no Trusted Launch image and cannot be updated. Updating reimages every node.',
};
export const ENABLE_VTPM_UPDATE: ArgSpec = {
  ...ENABLE_VTPM_POOL,
  help: 'Enable vTPM on an existing Trusted Launch enabled agent node pool. Must use VMSS agent pool type. Pools created before the TrustedLaunchPreview feature was registered have no Trusted Launch image and cannot be updated. Updating reimages every node.',
};
export const DISABLE_SECURE_BOOT: ArgSpec = { names: ['--disable-secure-boot'], kind: 'flag', extension: AKS_PREVIEW, help: 'Disable Secure Boot on on an existing Trusted Launch enabled agent node pool.' };
export const DISABLE_VTPM: ArgSpec = { names: ['--disable-vtpm'], kind: 'flag', extension: AKS_PREVIEW, help: 'Disable vTPM on an existing Trusted Launch enabled agent node pool.' };
export const SKIP_GPU_DRIVER: ArgSpec = {
  names: ['--skip-gpu-driver-install'],
  kind: 'flag',
  extension: AKS_PREVIEW,
  help: 'To skip GPU driver auto installation by AKS on a nodepool using GPU vm size if customers want to manage GPU driver installation by their own. If not specified, the default is false.',
};
export const GPU_DRIVER: ArgSpec = {
  names: ['--gpu-driver'],
  choices: ['Install', 'None'],
  extension: { name: 'aks-preview', minVersion: '18.0.0b2' },
  help: 'Whether to install driver for GPU node pool. Use "None" to skip the installation (needed for Secure Boot on GPU node pools).',
};

export const POOL_CONFIG_ARGS: readonly ArgSpec[] = [NODE_COUNT, KUBERNETES_VERSION, NODE_VM_SIZE, OS_TYPE, OS_SKU, ENABLE_FIPS, VM_SET_TYPE, OSDISK_TYPE, OSDISK_SIZE, MAX_PODS, ZONES];
