/**
 * VM size catalog: the subset of Azure sizes an AKS node pool can ask for, with the facts the
 * document's rules need (Gen2 capability, Trusted Launch support, Arm64, GPU, local disks for
 * ephemeral OS). Values come from ../shared/reference/azure-tl-facts.md §1.5, which cites the
 * Azure size pages and real `az vm list-skus` capability dumps (ResourceSku: HyperVGenerations,
 * TrustedLaunchDisabled, CachedDiskBytes, MaxResourceVolumeMB, NvmeDiskSizeInMiB).
 *
 * Trusted Launch support follows Azure's own rule (trusted-launch-faq.md, Azure/skewer
 * `IsTrustedLaunchEnabled`): Gen2 in HyperVGenerations AND capability TrustedLaunchDisabled ≠ True.
 */

export type Architecture = 'x64' | 'Arm64';

export interface VmSize {
  readonly name: string;
  readonly family: string;
  readonly vCPUs: number;
  readonly memoryGiB: number;
  readonly architecture: Architecture;
  readonly hyperVGenerations: readonly ('V1' | 'V2')[];
  readonly gpu?: { readonly count: number; readonly model: string };
  /** Cache disk (CachedDiskBytes) in GiB; 0 when the size has none. */
  readonly cacheGiB: number;
  /** Temporary resource disk (MaxResourceVolumeMB) in GiB; 0 when the size has none. */
  readonly tempGiB: number;
  /** Local NVMe disk in GiB usable for ephemeral OS (v6 sizes); 0 when none. */
  readonly nvmeGiB: number;
  readonly ephemeralOSDiskSupported: boolean;
  /** The TrustedLaunchDisabled capability (a Gen2 size Azure does not offer TL on). */
  readonly trustedLaunchDisabled: boolean;
}

// name, family, vCPU, GiB, arch, gens, gpu, cache, temp, nvme, ephemeral, tlDisabled
type Row = [string, string, number, number, Architecture, string, string | null, number, number, number, boolean, boolean];

const ROWS: readonly Row[] = [
  ['Standard_DS1_v2', 'DSv2', 1, 3.5, 'x64', 'V1,V2', null, 43, 7, 0, true, false],
  ['Standard_DS2_v2', 'DSv2', 2, 7, 'x64', 'V1,V2', null, 86, 14, 0, true, false],
  ['Standard_DS3_v2', 'DSv2', 4, 14, 'x64', 'V1,V2', null, 172, 28, 0, true, false],
  ['Standard_D2_v2', 'Dv2', 2, 7, 'x64', 'V1', null, 0, 100, 0, false, false],
  ['Standard_D2s_v3', 'Dsv3', 2, 8, 'x64', 'V1,V2', null, 50, 16, 0, true, false],
  ['Standard_D4s_v3', 'Dsv3', 4, 16, 'x64', 'V1,V2', null, 100, 32, 0, true, false],
  ['Standard_D8s_v3', 'Dsv3', 8, 32, 'x64', 'V1,V2', null, 200, 64, 0, true, false],
  ['Standard_D2_v3', 'Dv3', 2, 8, 'x64', 'V1', null, 0, 50, 0, false, false],
  ['Standard_D2s_v5', 'Dsv5', 2, 8, 'x64', 'V1,V2', null, 0, 0, 0, false, false],
  ['Standard_D4s_v5', 'Dsv5', 4, 16, 'x64', 'V1,V2', null, 0, 0, 0, false, false],
  ['Standard_D8s_v5', 'Dsv5', 8, 32, 'x64', 'V1,V2', null, 0, 0, 0, false, false],
  ['Standard_D2_v5', 'Dv5', 2, 8, 'x64', 'V1,V2', null, 0, 0, 0, false, false],
  ['Standard_D2ds_v5', 'Ddsv5', 2, 8, 'x64', 'V1,V2', null, 0, 75, 0, true, false],
  ['Standard_D4ds_v5', 'Ddsv5', 4, 16, 'x64', 'V1,V2', null, 0, 150, 0, true, false],
  ['Standard_D8ds_v5', 'Ddsv5', 8, 32, 'x64', 'V1,V2', null, 0, 300, 0, true, false],
  ['Standard_D16ds_v5', 'Ddsv5', 16, 64, 'x64', 'V1,V2', null, 0, 600, 0, true, false],
  ['Standard_D4as_v5', 'Dasv5', 4, 16, 'x64', 'V1,V2', null, 0, 0, 0, false, false],
  ['Standard_D2ads_v5', 'Dadsv5', 2, 8, 'x64', 'V1,V2', null, 0, 75, 0, true, false],
  ['Standard_D4ads_v5', 'Dadsv5', 4, 16, 'x64', 'V1,V2', null, 0, 150, 0, true, false],
  ['Standard_D4as_v4', 'Dasv4', 4, 16, 'x64', 'V1,V2', null, 100, 32, 0, true, false],
  ['Standard_D8as_v4', 'Dasv4', 8, 32, 'x64', 'V1,V2', null, 200, 64, 0, true, false],
  ['Standard_D2a_v4', 'Dav4', 2, 8, 'x64', 'V1', null, 0, 50, 0, true, false],
  ['Standard_D2ads_v6', 'Dadsv6', 2, 8, 'x64', 'V2', null, 0, 0, 110, true, false],
  ['Standard_D2as_v6', 'Dasv6', 2, 8, 'x64', 'V2', null, 0, 0, 0, false, false],
  ['Standard_D128ds_v6', 'Ddsv6', 128, 512, 'x64', 'V2', null, 0, 0, 7040, true, false],
  ['Standard_E4s_v5', 'Esv5', 4, 32, 'x64', 'V1,V2', null, 0, 0, 0, false, false],
  ['Standard_E4ds_v5', 'Edsv5', 4, 32, 'x64', 'V1,V2', null, 0, 150, 0, true, false],
  ['Standard_E4d_v5', 'Edv5', 4, 32, 'x64', 'V1,V2', null, 0, 150, 0, true, false],
  ['Standard_E2bds_v5', 'Ebdsv5', 2, 16, 'x64', 'V1,V2', null, 0, 75, 0, true, false],
  ['Standard_F4s_v2', 'Fsv2', 4, 8, 'x64', 'V1,V2', null, 64, 32, 0, true, false],
  ['Standard_F8s_v2', 'Fsv2', 8, 16, 'x64', 'V1,V2', null, 128, 64, 0, true, false],
  ['Standard_F16s_v2', 'Fsv2', 16, 32, 'x64', 'V1,V2', null, 256, 128, 0, true, false],
  ['Standard_B2s', 'B', 2, 4, 'x64', 'V1,V2', null, 30, 8, 0, true, false],
  ['Standard_B2ms', 'B', 2, 8, 'x64', 'V1,V2', null, 30, 16, 0, true, false],
  ['Standard_B4ms', 'B', 4, 16, 'x64', 'V1,V2', null, 30, 32, 0, true, false],
  ['Standard_B20ms', 'B', 20, 80, 'x64', 'V1,V2', null, 30, 160, 0, true, false],
  ['Standard_D2pds_v5', 'Dpdsv5', 2, 8, 'Arm64', 'V2', null, 0, 75, 0, true, true],
  ['Standard_D4pds_v5', 'Dpdsv5', 4, 16, 'Arm64', 'V2', null, 0, 150, 0, true, true],
  ['Standard_D4ps_v5', 'Dpsv5', 4, 16, 'Arm64', 'V2', null, 0, 0, 0, false, true],
  ['Standard_D16plds_v5', 'Dpldsv5', 16, 32, 'Arm64', 'V2', null, 400, 600, 0, true, true],
  ['Standard_D4ps_v6', 'Dpsv6', 4, 16, 'Arm64', 'V2', null, 0, 0, 0, false, false],
  ['Standard_L8s_v3', 'Lsv3', 8, 64, 'x64', 'V1,V2', null, 0, 80, 0, true, false],
  ['Standard_M128ms', 'M', 128, 3892, 'x64', 'V1,V2', null, 12696, 4096, 0, true, true],
  ['Standard_M8-2ms', 'M', 8, 218.75, 'x64', 'V1,V2', null, 793, 250, 0, true, true],
  ['Standard_A2_v2', 'Av2', 2, 4, 'x64', 'V1', null, 0, 20, 0, false, false],
  ['Standard_NC6s_v3', 'NCv3', 6, 112, 'x64', 'V1,V2', '1x NVIDIA V100 16GB', 320, 736, 0, true, false],
  ['Standard_NC4as_T4_v3', 'NCasT4_v3', 4, 28, 'x64', 'V1,V2', '1x NVIDIA T4 16GB', 0, 176, 0, true, false],
  ['Standard_NC8as_T4_v3', 'NCasT4_v3', 8, 56, 'x64', 'V1,V2', '1x NVIDIA T4 16GB', 144, 352, 0, true, false],
  ['Standard_NC16as_T4_v3', 'NCasT4_v3', 16, 110, 'x64', 'V1,V2', '1x NVIDIA T4 16GB', 144, 352, 0, true, false],
  ['Standard_NC24ads_A100_v4', 'NCadsA100_v4', 24, 220, 'x64', 'V2', '1x NVIDIA A100 80GB', 256, 64, 894, true, false],
  ['Standard_ND96asr_v4', 'NDasrA100_v4', 96, 900, 'x64', 'V2', '8x NVIDIA A100 40GB', 0, 6000, 0, true, true],
  ['Standard_ND96isr_H100_v5', 'NDH100_v5', 96, 1900, 'x64', 'V2', '8x NVIDIA H100 80GB', 0, 1024, 0, true, false],
  ['Standard_NV36ads_A10_v5', 'NVadsA10_v5', 36, 440, 'x64', 'V1,V2', '1x NVIDIA A10 24GB', 0, 1440, 0, true, false],
  ['Standard_NV6', 'NV', 6, 56, 'x64', 'V1', '1x NVIDIA M60 (half)', 0, 340, 0, false, false],
  // DC-series: conflicting sources (2023 doc lists DCsv3 as supported, the 2025 table puts
  // "DC-Confidential-family" under not supported); we follow the current table.
  ['Standard_DC8s_v3', 'DCsv3', 8, 64, 'x64', 'V2', null, 0, 0, 0, false, true],
];

const SIZES: readonly VmSize[] = ROWS.map(([name, family, vCPUs, memoryGiB, architecture, gens, gpu, cacheGiB, tempGiB, nvmeGiB, eph, tlDisabled]) => {
  const m = gpu?.match(/^(\d+)x (.*)$/);
  return {
    name,
    family,
    vCPUs,
    memoryGiB,
    architecture,
    hyperVGenerations: gens.split(',') as ('V1' | 'V2')[],
    ...(m ? { gpu: { count: Number(m[1]), model: m[2]! } } : {}),
    cacheGiB,
    tempGiB,
    nvmeGiB,
    ephemeralOSDiskSupported: eph,
    trustedLaunchDisabled: tlDisabled,
  };
});

const BY_NAME = new Map(SIZES.map((s) => [s.name.toLowerCase(), s]));

/** All sizes in the catalog. */
export function vmSizes(): readonly VmSize[] {
  return SIZES;
}

/** Look a size up case-insensitively, as Azure does (`standard_ds2_v2` is accepted). */
export function findVmSize(name: string): VmSize | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export const isGen2Capable = (s: VmSize): boolean => s.hyperVGenerations.includes('V2');

/** Azure's rule: a Gen2 size without the TrustedLaunchDisabled capability supports Trusted Launch. */
export const supportsTrustedLaunch = (s: VmSize): boolean => isGen2Capable(s) && !s.trustedLaunchDisabled;

export const isGpuSize = (s: VmSize): boolean => s.gpu !== undefined;

/** Allocatable resources of a node of this size, for the scheduler (AKS reserves memory and CPU per node). */
export function allocatable(s: VmSize): { cpuMillis: number; memoryMiB: number; pods: number } {
  // AKS kube-reserved (cpu: 60m + …, memory: 25% of the first 4 GiB …) simplified to the
  // published tiers: https://learn.microsoft.com/azure/aks/node-resource-reservations
  const memMiB = s.memoryGiB * 1024;
  const reservedMem = Math.min(memMiB, 750) + Math.max(0, Math.min(memMiB, 4096) - 750) * 0.25 + Math.max(0, Math.min(memMiB, 8192) - 4096) * 0.2 + Math.max(0, Math.min(memMiB, 16384) - 8192) * 0.1 + Math.max(0, Math.min(memMiB, 131072) - 16384) * 0.06 + Math.max(0, memMiB - 131072) * 0.02;
  const reservedCpu = s.vCPUs <= 1 ? 60 : s.vCPUs <= 2 ? 100 : s.vCPUs <= 4 ? 140 : s.vCPUs <= 8 ? 180 : s.vCPUs <= 16 ? 260 : s.vCPUs <= 32 ? 420 : 740;
  return { cpuMillis: s.vCPUs * 1000 - reservedCpu, memoryMiB: Math.floor(memMiB - reservedMem), pods: 110 };
}
