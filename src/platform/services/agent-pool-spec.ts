/**
 * Turning an agent pool request into a complete AgentPool: defaults (the document's and
 * AKS's), then every rule, in one order, for pools made by a cluster PUT and by an agent pool
 * PUT alike.
 */
import { compareVersions, resolveKubernetesVersion } from '../catalog/kubernetes-versions.js';
import { nodeImageVersion } from '../catalog/node-images.js';
import { findVmSize, isGen2Capable, type VmSize } from '../catalog/vm-sizes.js';
import { DomainError, invalid } from '../errors.js';
import type { AgentPool, GpuDriver, ManagedCluster, SecurityProfile, UpgradeSettings } from '../model/types.js';
import { parseTaint, validateCount, validateMaxSurge, validateNodeLabels, validatePoolName, validateSystemPool } from '../rules/agent-pool.js';
import { resolveOsDisk } from '../rules/os-disk.js';
import { decideImageAtCreate, type FeatureGate, type PoolConfig } from '../rules/trusted-launch.js';

/** What a client may send for a pool (all optional: defaults apply on create, current values on update). */
export interface AgentPoolSpec {
  readonly count?: number;
  readonly vmSize?: string;
  readonly osType?: 'Linux' | 'Windows';
  readonly osSKU?: string;
  readonly osDiskType?: 'Managed' | 'Ephemeral';
  readonly osDiskSizeGB?: number;
  readonly kubeletDiskType?: string;
  readonly maxPods?: number;
  readonly type?: AgentPool['type'];
  readonly mode?: 'System' | 'User';
  readonly orchestratorVersion?: string;
  readonly enableFIPS?: boolean;
  readonly enableNodePublicIP?: boolean;
  readonly scaleSetPriority?: 'Regular' | 'Spot';
  readonly nodeLabels?: Record<string, string>;
  readonly nodeTaints?: readonly string[];
  readonly tags?: Record<string, string>;
  readonly availabilityZones?: readonly string[];
  readonly upgradeSettings?: Partial<UpgradeSettings>;
  readonly gpuDriver?: GpuDriver;
  readonly securityProfile?: Partial<SecurityProfile>;
  readonly extra?: Record<string, unknown>;
}

/** The document: "--node-count … O padrão é 3." */
export const DEFAULT_NODE_COUNT = 3;
export const DEFAULT_VM_SIZE = 'Standard_DS2_v2';
export const DEFAULT_MAX_SURGE = '10%';
export const DEFAULT_MAX_PODS = 250; // Azure CNI overlay, the current AKS default network

export function requireSize(name: string): VmSize {
  const s = findVmSize(name);
  if (!s) {
    throw invalid(
      'InvalidParameter',
      `The VM size '${name}' is not offered in this region. Run 'az vm list-skus' (or see the platform's size catalog) and choose an offered size such as ${DEFAULT_VM_SIZE}.`,
      'agentPoolProfile.vmSize',
    );
  }
  return s;
}

export function requireVersion(requested: string, target: string): string {
  const v = resolveKubernetesVersion(requested);
  if (!v) {
    throw invalid(
      'AgentPoolK8sVersionNotSupported',
      `Version ${requested} is not supported in this region. Please use [az aks get-versions] command to get the supported version list in this region. For more information, please check https://aka.ms/supported-version-list`,
      target,
    );
  }
  return v;
}

export function poolConfig(p: Pick<AgentPool, 'name' | 'osType' | 'osSKU' | 'type' | 'enableFIPS' | 'vmSize' | 'orchestratorVersion' | 'gpuDriver' | 'securityProfile'>): PoolConfig {
  return { name: p.name, osType: p.osType, osSKU: p.osSKU, type: p.type, enableFIPS: p.enableFIPS, size: requireSize(p.vmSize), orchestratorVersion: p.orchestratorVersion, gpuDriver: p.gpuDriver, securityProfile: p.securityProfile };
}

export interface NewPoolInput {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly cluster: Pick<ManagedCluster, 'name' | 'kubernetesVersion' | 'nodeNameNumber'>;
  readonly name: string;
  readonly spec: AgentPoolSpec;
  readonly defaultMode: 'System' | 'User';
  readonly gate: FeatureGate;
  readonly now: number;
  readonly eTag: string;
}

/** Build a complete new pool from a request, or throw the first broken rule. */
export function buildNewPool(i: NewPoolInput): Omit<AgentPool, 'operationId'> {
  const s = i.spec;
  const osType = s.osType ?? 'Linux';
  validatePoolName(i.name, osType);
  const vmSize = requireSize(s.vmSize ?? DEFAULT_VM_SIZE);
  const mode = s.mode ?? i.defaultMode;
  validateSystemPool(mode, osType, vmSize);
  const count = s.count ?? DEFAULT_NODE_COUNT;
  validateCount(count, mode);
  const orchestratorVersion = s.orchestratorVersion ? requireVersion(s.orchestratorVersion, 'agentPoolProfile.orchestratorVersion') : i.cluster.kubernetesVersion;
  if (compareVersions(orchestratorVersion, i.cluster.kubernetesVersion) > 0) {
    throw invalid(
      'InvalidParameter',
      `Node pool version ${orchestratorVersion} cannot be newer than the control plane version ${i.cluster.kubernetesVersion}. Use ${i.cluster.kubernetesVersion} or an older supported version within two minor versions.`,
      'agentPoolProfile.orchestratorVersion',
    );
  }
  const osSKU = s.osSKU ?? (osType === 'Linux' ? 'Ubuntu' : compareVersions(orchestratorVersion, '1.25') >= 0 ? 'Windows2022' : 'Windows2019');
  const nodeLabels = { ...(s.nodeLabels ?? {}) };
  validateNodeLabels(nodeLabels);
  const nodeTaints = [...(s.nodeTaints ?? [])];
  nodeTaints.forEach(parseTaint);
  const maxSurge = s.upgradeSettings?.maxSurge ?? DEFAULT_MAX_SURGE;
  validateMaxSurge(maxSurge);
  const type = s.type ?? 'VirtualMachineScaleSets';
  if (type === 'VirtualMachines') {
    throw invalid('InvalidParameter', 'Agent pool type "VirtualMachines" is not supported by this platform; use "VirtualMachineScaleSets".', 'agentPoolProfile.type');
  }
  const securityProfile: SecurityProfile = { enableVTPM: s.securityProfile?.enableVTPM ?? false, enableSecureBoot: s.securityProfile?.enableSecureBoot ?? false };
  const enableFIPS = s.enableFIPS ?? false;
  const gpuDriver = s.gpuDriver ?? (vmSize.gpu ? 'Install' : undefined);
  const config: PoolConfig = { name: i.name, osType, osSKU, type, enableFIPS, size: vmSize, orchestratorVersion, gpuDriver, securityProfile };
  const { trustedLaunchImage } = decideImageAtCreate(config, i.gate);
  const osDisk = resolveOsDisk(vmSize, { ...(s.osDiskType ? { type: s.osDiskType } : {}), ...(s.osDiskSizeGB !== undefined ? { sizeGB: s.osDiskSizeGB } : {}) }, trustedLaunchImage);
  if (s.maxPods !== undefined && (!Number.isInteger(s.maxPods) || s.maxPods < 10 || s.maxPods > 250)) {
    throw invalid('InvalidParameter', `The value of parameter agentPoolProfile.maxPods is invalid: ${s.maxPods}. Use a value between 10 and 250.`, 'agentPoolProfile.maxPods');
  }
  return {
    subscriptionId: i.subscriptionId,
    resourceGroup: i.resourceGroup,
    clusterName: i.cluster.name,
    name: i.name,
    count,
    vmSize: vmSize.name,
    osType,
    osSKU,
    osDiskType: osDisk.type,
    osDiskSizeGB: osDisk.sizeGB,
    kubeletDiskType: s.kubeletDiskType ?? 'OS',
    maxPods: s.maxPods ?? DEFAULT_MAX_PODS,
    type,
    mode,
    orchestratorVersion,
    enableFIPS,
    enableNodePublicIP: s.enableNodePublicIP ?? false,
    scaleSetPriority: s.scaleSetPriority ?? 'Regular',
    nodeLabels,
    nodeTaints,
    tags: { ...(s.tags ?? {}) },
    availabilityZones: [...(s.availabilityZones ?? [])],
    upgradeSettings: { ...s.upgradeSettings, maxSurge },
    ...(gpuDriver ? { gpuDriver } : {}),
    securityProfile,
    trustedLaunchImage,
    nodeImageVersion: nodeImageVersion({ osType, osSKU, gen2: isGen2Capable(vmSize), arm64: vmSize.architecture === 'Arm64', fips: enableFIPS, trustedLaunch: trustedLaunchImage, kubernetesVersion: orchestratorVersion }),
    provisioningState: 'Creating',
    powerState: 'Running',
    eTag: i.eTag,
    vmssName: `aks-${i.name}-${i.cluster.nodeNameNumber}-vmss`,
    generation: 1,
    createdAt: i.now,
    extra: { ...(s.extra ?? {}) },
  };
}

/** Properties a pool update may not change (VMSS properties fixed at creation). */
const IMMUTABLE: readonly (keyof AgentPoolSpec & keyof AgentPool)[] = ['vmSize', 'osType', 'osDiskType', 'osDiskSizeGB', 'type', 'enableFIPS', 'kubeletDiskType', 'maxPods', 'enableNodePublicIP', 'scaleSetPriority', 'gpuDriver'];

/** Apply an update request to an existing pool: the changed pool and what the nodes must do. */
export function applyPoolUpdate(cur: AgentPool, s: AgentPoolSpec): { next: AgentPool; reimage: boolean; scale: boolean } {
  for (const prop of IMMUTABLE) {
    const want = s[prop];
    if (want === undefined) continue;
    const have = cur[prop];
    const same = typeof want === 'string' && typeof have === 'string' ? want.toLowerCase() === have.toLowerCase() : want === have || (prop === 'osDiskSizeGB' && want === 0);
    if (!same) throw invalid('PropertyChangeNotAllowed', `Changing property '${prop}' is not allowed. It is fixed when the node pool is created; create a new node pool with the new value instead.`, prop);
  }
  if (s.osSKU !== undefined && s.osSKU !== cur.osSKU) {
    throw invalid('PropertyChangeNotAllowed', `Changing property 'osSKU' is not allowed.`, 'osSKU');
  }
  const mode = s.mode ?? cur.mode;
  const count = s.count ?? cur.count;
  validateSystemPool(mode, cur.osType, requireSize(cur.vmSize));
  validateCount(count, mode);
  const nodeLabels = s.nodeLabels ?? cur.nodeLabels;
  validateNodeLabels(nodeLabels);
  const nodeTaints = s.nodeTaints ?? cur.nodeTaints;
  nodeTaints.forEach(parseTaint);
  const maxSurge = s.upgradeSettings?.maxSurge ?? cur.upgradeSettings.maxSurge;
  validateMaxSurge(maxSurge);
  if (s.orchestratorVersion !== undefined && resolveKubernetesVersion(s.orchestratorVersion) !== cur.orchestratorVersion) {
    throw invalid('OperationNotAllowed', 'Upgrading Kubernetes versions is not supported by this platform; create a new node pool with the version you need.', 'orchestratorVersion');
  }
  const securityProfile: SecurityProfile = {
    enableVTPM: s.securityProfile?.enableVTPM ?? cur.securityProfile.enableVTPM,
    enableSecureBoot: s.securityProfile?.enableSecureBoot ?? cur.securityProfile.enableSecureBoot,
  };
  const reimage = securityProfile.enableVTPM !== cur.securityProfile.enableVTPM || securityProfile.enableSecureBoot !== cur.securityProfile.enableSecureBoot;
  const next: AgentPool = {
    ...cur,
    count,
    mode,
    nodeLabels: { ...nodeLabels },
    nodeTaints: [...nodeTaints],
    tags: s.tags ? { ...s.tags } : cur.tags,
    upgradeSettings: { ...cur.upgradeSettings, ...s.upgradeSettings, maxSurge },
    securityProfile,
    generation: reimage ? cur.generation + 1 : cur.generation,
    extra: s.extra ? { ...cur.extra, ...s.extra } : cur.extra,
  };
  return { next, reimage, scale: count !== cur.count };
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
