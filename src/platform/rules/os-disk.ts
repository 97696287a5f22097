/**
 * OS disk rules: default type and size, and whether an ephemeral OS disk fits.
 *
 * AKS defaults to an ephemeral OS disk when the size supports it and its local disk holds the
 * requested OS disk, and to a managed disk otherwise (ManagedClusterAgentPoolProfileProperties
 * .osDiskType; AKS concepts-storage.md). Trusted Launch VMs reserve 1 GiB of that local disk for
 * the VM guest state (VMGS) (azure-tl-facts.md §2.1), so with the TL image the OS disk must fit
 * with 1 GiB to spare. Placement follows AKS: the cache disk when it fits, else the temp disk,
 * else the NVMe disk (Azure/AKS#2672).
 */
import type { VmSize } from '../catalog/vm-sizes.js';
import { invalid } from '../errors.js';

export const DEFAULT_OS_DISK_GB = 128;
export const VMGS_RESERVATION_GB = 1;
const GiB = 2 ** 30;

/** The local disk an ephemeral OS disk of `needGB` would use, or undefined when none fits. */
export function ephemeralPlacement(size: VmSize, needGB: number): 'CacheDisk' | 'ResourceDisk' | 'NvmeDisk' | undefined {
  if (!size.ephemeralOSDiskSupported) return undefined;
  if (size.cacheGiB >= needGB) return 'CacheDisk';
  if (size.tempGiB >= needGB) return 'ResourceDisk';
  if (size.nvmeGiB >= needGB) return 'NvmeDisk';
  return undefined;
}

/** Resolve the OS disk type and size for a new pool; throws when an explicit ephemeral disk cannot fit. */
export function resolveOsDisk(size: VmSize, requested: { type?: 'Managed' | 'Ephemeral'; sizeGB?: number }, trustedLaunchImage: boolean): { type: 'Managed' | 'Ephemeral'; sizeGB: number } {
  const sizeGB = requested.sizeGB && requested.sizeGB > 0 ? requested.sizeGB : DEFAULT_OS_DISK_GB;
  const needGB = sizeGB + (trustedLaunchImage ? VMGS_RESERVATION_GB : 0);
  const fits = ephemeralPlacement(size, needGB) !== undefined;
  if (requested.type === 'Managed') return { type: 'Managed', sizeGB };
  if (requested.type === 'Ephemeral') {
    if (!size.ephemeralOSDiskSupported) {
      throw invalid('EphemeralOSDiskNotSupported', `The VM size ${size.name} does not support ephemeral OS disks. Use osDiskType "Managed" or a size with a cache or temporary disk.`, 'osDiskType');
    }
    if (!fits) {
      const tl = trustedLaunchImage ? ` (${sizeGB} GiB OS disk plus ${VMGS_RESERVATION_GB} GiB of VM guest state reserved by Trusted Launch)` : '';
      throw invalid(
        'VMCannotFitEphemeralOSDisk',
        `The virtual machine size ${size.name} has a cache size of ${size.cacheGiB * GiB} bytes and temporary disk size of ${(size.tempGiB + size.nvmeGiB) * GiB} bytes, but the OS disk requires ${needGB * GiB} bytes${tl}. Use a VM size with larger cache, larger temp disk, or disable ephemeral OS. With this size an ephemeral OS disk can be at most ${Math.max(size.cacheGiB, size.tempGiB, size.nvmeGiB) - (trustedLaunchImage ? VMGS_RESERVATION_GB : 0)} GiB (osDiskSizeGB).`,
        'osDiskSizeGB',
      );
    }
    return { type: 'Ephemeral', sizeGB };
  }
  return { type: fits ? 'Ephemeral' : 'Managed', sizeGB };
}
