/**
 * Node image names, as AKS reports them in `nodeImageVersion` and the
 * `kubernetes.azure.com/node-image-version` label (reference/aks-api.md §4.1):
 * `AKSUbuntu-2204gen2TLcontainerd-202611.10.0` for the Trusted Launch image,
 * `AKSUbuntu-2204gen2containerd-…` without it, and the variants for other OS SKUs,
 * generations, FIPS and Arm64.
 */

/** The node image release the platform ships (YYYYMM.DD.N, AKS's format). */
export const NODE_IMAGE_RELEASE = '202611.10.0';

export interface ImageSelection {
  readonly osType: 'Linux' | 'Windows';
  readonly osSKU: string;
  readonly gen2: boolean;
  readonly arm64: boolean;
  readonly fips: boolean;
  readonly trustedLaunch: boolean;
  readonly kubernetesVersion: string;
}

/** The node image version string for a pool's configuration. */
export function nodeImageVersion(s: ImageSelection): string {
  if (s.osType === 'Windows') {
    return s.osSKU === 'Windows2019' ? `AKSWindows-2019-containerd-17763.7009.${NODE_IMAGE_RELEASE.slice(0, 6)}` : `AKSWindows-2022-containerd-20348.3207.${NODE_IMAGE_RELEASE.slice(0, 6)}`;
  }
  const gen = s.gen2 ? 'gen2' : '';
  const tl = s.trustedLaunch ? 'TL' : '';
  if (s.osSKU === 'AzureLinux' || s.osSKU === 'CBLMariner') {
    const base = s.osSKU === 'AzureLinux' ? 'AKSAzureLinux-V2' : 'AKSCBLMariner-V2';
    return `${base}${gen}${s.arm64 ? 'arm64' : ''}${s.fips ? 'fips' : ''}${tl}-${NODE_IMAGE_RELEASE}`;
  }
  // `Ubuntu` follows the Kubernetes version (18.04 served ≤ 1.24; 22.04 serves 1.25 and later);
  // `Ubuntu2204` and `Ubuntu2404` pin the release.
  const pinned = /^Ubuntu(\d{4})$/.exec(s.osSKU)?.[1];
  const ubuntu = pinned ?? (Number(s.kubernetesVersion.split('.')[1]) <= 24 ? '1804' : '2204');
  return `AKSUbuntu-${ubuntu}${gen}${s.arm64 ? 'arm64' : ''}${s.fips ? 'fips' : ''}${tl}containerd-${NODE_IMAGE_RELEASE}`;
}

/** True when an image version string is a Trusted Launch image (`…TL…`, as the GA doc tells users to check). */
export const isTrustedLaunchImage = (version: string): boolean => /gen2(?:arm64)?(?:fips)?TL/.test(version);
