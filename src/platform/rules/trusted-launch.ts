/**
 * The document's Trusted Launch rules, enforced here and nowhere else
 * (../shared/reference/seed: "Limitações"; reference/aks-api.md §0, §5, §9; azure-tl-facts.md §1).
 *
 * Each rule throws a DomainError whose code names the rule, whose target names the property to
 * change, and whose message says what to change. Where AKS's real code and text are known they
 * are used verbatim (TrustedLaunchIncompatibleWithConfig for a pool without the TL image,
 * VMCannotFitEphemeralOSDisk); elsewhere the code is specific to the rule.
 */
import { compareVersions } from '../catalog/kubernetes-versions.js';
import { isGen2Capable, isGpuSize, supportsTrustedLaunch, type VmSize } from '../catalog/vm-sizes.js';
import { invalid, type DomainError } from '../errors.js';
import type { GpuDriver, SecurityProfile } from '../model/types.js';

export const TRUSTED_LAUNCH_FEATURE = { namespace: 'Microsoft.ContainerService', name: 'TrustedLaunchPreview' } as const;
export const MIN_TRUSTED_LAUNCH_KUBERNETES = '1.25.2';

/** AKS's message when a pool without a Trusted Launch image asks for vTPM/Secure Boot (Azure/AKS#4181, verbatim, "dont" included). */
export const TL_INCOMPATIBLE_MESSAGE =
  'Trusted Launch enabled clusters using vTPM and/or Secure Boot are not supported for this agentpool. Secure Boot and/or vTPM requires the VM Image to be Trusted Launch Compatible. Ubuntu 1804, FIPS, Arm64, CBLMariner, GPU nodepools dont have Trusted Launch support.';

/**
 * The Linux OS SKUs with a Trusted Launch image. The preview's support statement (reference
 * azure-tl-facts.md: "supported only on Ubuntu 22.04 and AzureLinux/Mariner with Gen 2 VMs") with
 * AKS's own error text, which names CBLMariner among the SKUs without one: `Ubuntu` (22.04 from
 * Kubernetes 1.25, which Trusted Launch requires anyway), `Ubuntu2204` (22.04 pinned) and
 * `AzureLinux`. Ubuntu2404 and AzureLinux3 came after the preview and are not in its statement.
 */
export const TRUSTED_LAUNCH_OS_SKUS: readonly string[] = ['Ubuntu', 'Ubuntu2204', 'AzureLinux'];

/** The configuration of a pool that the rules look at. */
export interface PoolConfig {
  readonly name: string;
  readonly osType: 'Linux' | 'Windows';
  readonly osSKU: string;
  readonly type: string;
  readonly enableFIPS: boolean;
  readonly size: VmSize;
  readonly orchestratorVersion: string;
  readonly gpuDriver: GpuDriver | undefined;
  readonly securityProfile: SecurityProfile;
}

/** Where the subscription stands with the TrustedLaunchPreview feature. */
export interface FeatureGate {
  /** Feature Registered and Microsoft.ContainerService re-registered since. */
  readonly effective: boolean;
  /** Feature state, to say which step is missing. */
  readonly state: string;
}

export const wantsTrustedLaunch = (p: SecurityProfile): boolean => p.enableVTPM || p.enableSecureBoot;

/** The GPU driver is installed unless the pool skips it (`gpuProfile.driver: None` / `installGPUDriver: false`). */
export const installsGpuDriver = (size: VmSize, driver: GpuDriver | undefined): boolean => isGpuSize(size) && driver !== 'None';

/**
 * Why this configuration cannot run the Trusted Launch image, as a list of rule violations
 * (empty when it can). Secure Boot's GPU-driver rule is separate: it does not make the image
 * incompatible, only Secure Boot with the vendor's unsigned driver.
 */
export function imageIncompatibilities(c: PoolConfig): DomainError[] {
  const out: DomainError[] = [];
  const what = `Trusted Launch (vTPM and Secure Boot) is not supported`;
  if (c.osType === 'Windows') {
    out.push(invalid('TrustedLaunchNotSupportedForWindows', `${what} for Windows node pools. Use osType "Linux" for pool "${c.name}", or turn off enableVTPM and enableSecureBoot.`, 'osType'));
  }
  if (c.osType === 'Linux' && !TRUSTED_LAUNCH_OS_SKUS.includes(c.osSKU)) {
    out.push(invalid('TrustedLaunchNotSupportedForOSSKU', `${what} on OS SKU "${c.osSKU}". Use osSKU "Ubuntu", "Ubuntu2204" or "AzureLinux", or turn off enableVTPM and enableSecureBoot.`, 'osSKU'));
  }
  if (c.type !== 'VirtualMachineScaleSets') {
    out.push(invalid('TrustedLaunchRequiresVirtualMachineScaleSets', `${what} for agent pool type "${c.type}": only Virtual Machine Scale Sets are supported, not availability sets. Use type "VirtualMachineScaleSets" (az: --vm-set-type VirtualMachineScaleSets).`, 'type'));
  }
  if (c.enableFIPS) {
    out.push(invalid('TrustedLaunchNotSupportedWithFIPS', `${what} on node pools with FIPS enabled. Set enableFIPS to false (az: omit --enable-fips-image), or turn off enableVTPM and enableSecureBoot.`, 'enableFIPS'));
  }
  if (c.size.architecture === 'Arm64') {
    out.push(invalid('TrustedLaunchNotSupportedOnArm64', `${what} on Arm64 VM sizes; "${c.size.name}" is Arm64. Choose an x64 Generation 2 size such as Standard_D2s_v3.`, 'vmSize'));
  } else if (!supportsTrustedLaunch(c.size)) {
    const why = isGen2Capable(c.size) ? `Azure does not offer Trusted Launch on the ${c.size.family} family` : `it is a Generation 1 size and Trusted Launch only supports Generation 2 VMs`;
    out.push(
      invalid(
        'VMSizeNotSupportedForTrustedLaunch',
        `The VM size '${c.size.name}' is not supported for creation of VMs and Virtual Machine Scale Set with 'TrustedLaunch' security type (${why}). Choose a Generation 2 size that supports Trusted Launch, such as Standard_D2s_v3 or Standard_D4ds_v5. For more information, see https://aka.ms/TrustedLaunch-FAQ`,
        'vmSize',
      ),
    );
  }
  if (compareVersions(c.orchestratorVersion, MIN_TRUSTED_LAUNCH_KUBERNETES) < 0) {
    out.push(
      invalid(
        'TrustedLaunchKubernetesVersionNotSupported',
        `${what} on Kubernetes ${c.orchestratorVersion}: AKS supports Trusted Launch on Kubernetes ${MIN_TRUSTED_LAUNCH_KUBERNETES} and later. Use kubernetesVersion/orchestratorVersion ${MIN_TRUSTED_LAUNCH_KUBERNETES} or newer (see az aks get-versions).`,
        'orchestratorVersion',
      ),
    );
  }
  return out;
}

/** The feature gate: vTPM/Secure Boot need TrustedLaunchPreview registered and propagated. */
export function checkFeatureGate(gate: FeatureGate): void {
  if (gate.effective) return;
  const full = `${TRUSTED_LAUNCH_FEATURE.namespace}/${TRUSTED_LAUNCH_FEATURE.name}`;
  const next =
    gate.state === 'Registered'
      ? `The feature is Registered but not yet propagated: run 'az provider register --namespace ${TRUSTED_LAUNCH_FEATURE.namespace}'.`
      : gate.state === 'Registering'
        ? `Registration is in progress: wait until 'az feature show --namespace ${TRUSTED_LAUNCH_FEATURE.namespace} --name ${TRUSTED_LAUNCH_FEATURE.name}' shows Registered, then run 'az provider register --namespace ${TRUSTED_LAUNCH_FEATURE.namespace}'.`
        : `Run 'az feature register --namespace ${TRUSTED_LAUNCH_FEATURE.namespace} --name ${TRUSTED_LAUNCH_FEATURE.name}', wait until it shows Registered, then run 'az provider register --namespace ${TRUSTED_LAUNCH_FEATURE.namespace}'.`;
  throw invalid('SubscriptionNotRegisteredForFeature', `Feature ${full} is not enabled. Please see https://aka.ms/aks/previews for how to enable features. ${next}`, 'securityProfile');
}

/** Secure Boot with the vendor's (unsigned) GPU driver cannot boot: the driver must be skipped. */
export function checkGpuSecureBoot(c: PoolConfig): void {
  if (c.securityProfile.enableSecureBoot && installsGpuDriver(c.size, c.gpuDriver)) {
    throw invalid(
      'SecureBootRequiresSkippingGPUDriver',
      `Secure Boot cannot be enabled on GPU node pool "${c.name}" (${c.size.name}) while AKS installs the GPU driver: the driver is not signed by a key the kernel trusts, so Secure Boot would refuse to load it. Skip the driver installation (az: --skip-gpu-driver-install or --gpu-driver None; API: gpuProfile.driver "None") and install a signed driver yourself, or leave Secure Boot off.`,
      'gpuProfile',
    );
  }
}

/**
 * Decide a new pool's image and check its Trusted Launch request (create time).
 * The preview rule: with the feature in effect, a compatible configuration gets the TL image even
 * when neither flag is set (both then default to off and can be enabled later).
 */
export function decideImageAtCreate(c: PoolConfig, gate: FeatureGate): { trustedLaunchImage: boolean } {
  const problems = imageIncompatibilities(c);
  if (wantsTrustedLaunch(c.securityProfile)) {
    checkFeatureGate(gate);
    if (problems.length) throw problems[0]!;
    checkGpuSecureBoot(c);
    return { trustedLaunchImage: true };
  }
  return { trustedLaunchImage: gate.effective && problems.length === 0 };
}

/** Check an update of vTPM/Secure Boot on an existing pool (its image never changes). */
export function checkSecurityUpdate(c: PoolConfig, hasTrustedLaunchImage: boolean, gate: FeatureGate, previous: SecurityProfile): void {
  const enabling = (c.securityProfile.enableVTPM && !previous.enableVTPM) || (c.securityProfile.enableSecureBoot && !previous.enableSecureBoot);
  if (!enabling) return; // disabling is always allowed and keeps the TL image
  checkFeatureGate(gate);
  if (!hasTrustedLaunchImage) throw invalid('TrustedLaunchIncompatibleWithConfig', TL_INCOMPATIBLE_MESSAGE, 'securityProfile');
  checkGpuSecureBoot(c);
}
