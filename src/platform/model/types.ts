/**
 * The domain model (ARM terms: ManagedCluster, AgentPool, …). These are the records the Store
 * keeps; the API layer converts them to and from each api-version's wire format. Properties a
 * client sent that the platform does not interpret are kept in `extra` and echoed back, so a
 * resource round-trips with the shape it was written in.
 */

export type ProvisioningState = 'Creating' | 'Updating' | 'Scaling' | 'Deleting' | 'Succeeded' | 'Failed' | 'Canceled';

export interface Subscription {
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly tenantId: string;
  readonly state: 'Enabled';
}

export interface Principal {
  readonly clientId: string;
  readonly displayName: string;
  /** scrypt hash of the client secret, hex: salt$hash. */
  readonly secretHash: string;
  readonly subscriptions: readonly string[];
  readonly admin: boolean;
}

export interface ResourceGroup {
  readonly subscriptionId: string;
  readonly name: string;
  readonly location: string;
  readonly tags: Record<string, string>;
  readonly managedBy?: string;
  readonly provisioningState: 'Succeeded' | 'Deleting';
  readonly operationId?: string;
}

export type RegistrationState = 'NotRegistered' | 'Registering' | 'Registered' | 'Unregistering' | 'Unregistered';

export interface ProviderRegistration {
  readonly subscriptionId: string;
  readonly namespace: string;
  readonly registrationState: RegistrationState;
  /** When the state machine moves on (Registering → Registered, Unregistering → NotRegistered). */
  readonly transitionAt?: number;
  /** When the last registration completed: features registered before it are in effect. */
  readonly registeredAt?: number;
}

export interface FeatureRegistration {
  readonly subscriptionId: string;
  readonly namespace: string;
  readonly name: string;
  readonly state: RegistrationState;
  readonly transitionAt?: number;
  /** When the feature last reached Registered. */
  readonly registeredAt?: number;
}

export interface SecurityProfile {
  readonly enableVTPM: boolean;
  readonly enableSecureBoot: boolean;
}

export type GpuDriver = 'Install' | 'None';

export interface UpgradeSettings {
  readonly maxSurge: string;
  readonly drainTimeoutInMinutes?: number;
  readonly nodeSoakDurationInMinutes?: number;
}

export interface AgentPool {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly clusterName: string;
  readonly name: string;
  readonly count: number;
  readonly vmSize: string;
  readonly osType: 'Linux' | 'Windows';
  readonly osSKU: string;
  readonly osDiskType: 'Managed' | 'Ephemeral';
  readonly osDiskSizeGB: number;
  readonly kubeletDiskType: string;
  readonly maxPods: number;
  readonly type: 'VirtualMachineScaleSets' | 'AvailabilitySet' | 'VirtualMachines';
  readonly mode: 'System' | 'User';
  readonly orchestratorVersion: string;
  readonly enableFIPS: boolean;
  readonly enableNodePublicIP: boolean;
  readonly scaleSetPriority: 'Regular' | 'Spot';
  readonly nodeLabels: Record<string, string>;
  readonly nodeTaints: readonly string[];
  readonly tags: Record<string, string>;
  readonly availabilityZones: readonly string[];
  readonly upgradeSettings: UpgradeSettings;
  readonly gpuDriver?: GpuDriver;
  readonly securityProfile: SecurityProfile;
  /** True when the pool runs the Trusted Launch node image (decided at creation, never changes). */
  readonly trustedLaunchImage: boolean;
  /** An imported node image the pool boots instead of the platform's (issue 7, `tl image import`). */
  readonly importedImage?: string;
  readonly nodeImageVersion: string;
  readonly provisioningState: ProvisioningState;
  readonly powerState: 'Running' | 'Stopped';
  readonly eTag: string;
  /** The scale set that backs this pool. */
  readonly vmssName: string;
  /** The operation currently changing this pool, if any (a second one gets 409). */
  readonly operationId?: string;
  /** Bumped by every change that nodes must follow (reimage); VMs record the generation they run. */
  readonly generation: number;
  readonly createdAt: number;
  readonly deleting?: boolean;
  readonly extra: Record<string, unknown>;
}

export interface ManagedCluster {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly tags: Record<string, string>;
  readonly kubernetesVersion: string;
  readonly dnsPrefix: string;
  readonly fqdn: string;
  readonly nodeResourceGroup: string;
  /** The per-cluster 8-digit number in node names (aks-pool-NNNNNNNN-vmss…). */
  readonly nodeNameNumber: string;
  readonly identityPrincipalId: string;
  readonly tenantId: string;
  readonly resourceUID: string;
  readonly sku: { readonly name: string; readonly tier: string };
  readonly provisioningState: ProvisioningState;
  readonly powerState: 'Running' | 'Stopped';
  readonly eTag: string;
  readonly operationId?: string;
  readonly createdAt: number;
  readonly deleting?: boolean;
  /** Properties sent by the client and echoed back (linuxProfile, networkProfile overrides, …). */
  readonly extra: Record<string, unknown>;
  readonly extraTop: Record<string, unknown>;
  /** Pool names in creation order, as listed in agentPoolProfiles. */
  readonly poolOrder: readonly string[];
}

export interface VmModel {
  /** Pool generation this VM was (re)imaged to. */
  readonly generation: number;
  readonly vmSize: string;
  readonly nodeImageVersion: string;
  readonly securityType: 'TrustedLaunch' | 'Standard';
  readonly secureBootEnabled: boolean;
  readonly vTpmEnabled: boolean;
}

export type VmStage = 'Creating' | 'Booting' | 'Running' | 'Reimaging' | 'Deleting' | 'Failed' | 'Stopped';

export interface VirtualMachine {
  readonly subscriptionId: string;
  readonly nodeResourceGroup: string;
  readonly vmssName: string;
  readonly instanceId: number;
  readonly computerName: string;
  readonly vmId: string;
  /** Key of the agent pool that owns this VM. */
  readonly poolKey: string;
  readonly stage: VmStage;
  /** When the current stage is due to move on (absent for stable stages). */
  readonly stageDueAt?: number;
  readonly model: VmModel;
  readonly createdAt: number;
  readonly lastBootAt?: number;
  readonly failure?: { readonly code: string; readonly message: string };
  /** A VM action (start, restart, reimage …) in progress, finished when the VM settles. */
  readonly operationId?: string;
}

export interface ScaleSet {
  readonly subscriptionId: string;
  readonly nodeResourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly poolKey: string;
  readonly uniqueId: string;
  readonly nextInstanceId: number;
  readonly createdAt: number;
}

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

export interface Operation {
  readonly id: string;
  readonly subscriptionId: string;
  readonly location: string;
  /** ARM ID of the resource the operation changes. */
  readonly resourceId: string;
  /** Store kind and key of that resource. */
  readonly target: { readonly kind: string; readonly key: string };
  readonly action: 'Create' | 'Update' | 'Delete' | 'Scale' | 'Reimage';
  readonly status: OperationStatus;
  readonly startTime: number;
  readonly endTime?: number;
  readonly percentComplete?: number;
  readonly error?: { readonly code: string; readonly message: string };
}
