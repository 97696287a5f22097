/**
 * The platform: every domain service and the controller that drives them, built from the
 * injected store, clock, timing and hooks. The API layer talks only to this object.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { AttestationService, type AttestationOptions } from './attestation/service.js';
import { SecurityCenter } from './attestation/security-center.js';
import { VmBootService } from './boot/service.js';
import { ImageService } from './images/service.js';
import { KubeService } from './kube/kube.js';
import { KIND } from './model/keys.js';
import { reconcileAgentPool } from './reconcile/agent-pool.js';
import { reconcileCluster } from './reconcile/cluster.js';
import { Controller } from './reconcile/controller.js';
import { reconcileResourceGroup } from './reconcile/resource-group.js';
import { AgentPoolService } from './services/agent-pools.js';
import { ClusterService } from './services/clusters.js';
import { ComputeService } from './services/compute.js';
import { randomIds, type Hooks, type Ids, type PlatformContext } from './services/context.js';
import { IdentityService } from './services/identity.js';
import { OperationService } from './services/operations.js';
import { RegistrationService } from './services/registrations.js';
import { ResourceGroupService } from './services/resource-groups.js';
import { VmService } from './services/vms.js';
import type { Store } from './store/store.js';
import type { Timing } from './timing.js';
import { loadOrCreateVtpmCa, VtpmService } from './vtpm/service.js';

export const DEFAULT_LOCATIONS = ['eastus', 'eastus2', 'westus2', 'westus3', 'centralus', 'northeurope', 'westeurope', 'uksouth', 'brazilsouth', 'italynorth', 'japaneast', 'australiaeast'];

export interface PlatformOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly timing: Timing;
  readonly log: Logger;
  readonly ids?: Ids;
  readonly hooks?: Hooks;
  readonly locations?: readonly string[];
  /**
   * Boot VMs for real (issue 7: node images, Secure Boot, measured boot into per-VM vTPMs).
   * Default true; domain tests of the resource manager's rules turn it off and VMs are records.
   */
  readonly bootVms?: boolean;
  /** Issue 8: guest attestation settings (periodic interval, key rotation, token issuer). */
  readonly attestation?: AttestationOptions;
}

export class Platform {
  readonly ctx: PlatformContext;
  readonly controller: Controller;
  readonly identity: IdentityService;
  readonly registrations: RegistrationService;
  readonly resourceGroups: ResourceGroupService;
  readonly clusters: ClusterService;
  readonly agentPools: AgentPoolService;
  readonly compute: ComputeService;
  readonly operations: OperationService;
  readonly vms: VmService;
  /** Issue 9: every cluster's Kubernetes API and the controllers behind it. */
  readonly kube: KubeService;
  /** Issue 7: node images, per-VM vTPMs and the boot hook (set by start() when bootVms). */
  readonly images: ImageService;
  vtpm: VtpmService | undefined;
  boot: VmBootService | undefined;
  /** Issue 8: guest attestation of booted vTPM VMs (set by start() when bootVms) and the security center. */
  attestation: AttestationService | undefined;
  readonly security: SecurityCenter;
  private readonly bootVms: boolean;
  private readonly attestationOptions: AttestationOptions | undefined;

  constructor(o: PlatformOptions) {
    this.controller = new Controller(o.store, o.clock, o.log);
    // A copy, so the Kubernetes drain can be added below without touching the caller's object.
    const hooks: Hooks = { ...(o.hooks ?? {}) };
    this.ctx = { store: o.store, clock: o.clock, timing: o.timing, log: o.log, ids: o.ids ?? randomIds, queue: this.controller, hooks, locations: o.locations ?? DEFAULT_LOCATIONS };
    this.identity = new IdentityService(this.ctx);
    this.registrations = new RegistrationService(this.ctx);
    this.resourceGroups = new ResourceGroupService(this.ctx);
    this.clusters = new ClusterService(this.ctx);
    this.agentPools = new AgentPoolService(this.ctx);
    this.compute = new ComputeService(this.ctx);
    this.operations = new OperationService(this.ctx);
    this.vms = new VmService(this.ctx);
    this.controller.register(KIND.feature, (k) => this.registrations.reconcileFeature(k));
    this.controller.register(KIND.provider, (k) => this.registrations.reconcileProvider(k));
    this.controller.register(KIND.agentPool, (k) => reconcileAgentPool(this.ctx, k));
    this.controller.register(KIND.cluster, (k) => reconcileCluster(this.ctx, k));
    this.controller.register(KIND.resourceGroup, (k) => reconcileResourceGroup(this.ctx, k));
    // Issue 9: Kubernetes controllers, and the drain the pool reconciler runs before a reimage or removal.
    this.kube = new KubeService(this.ctx);
    this.kube.register(this.controller);
    hooks.drainVm ??= (vm, reason) => this.kube.drainVm(vm, reason);
    this.images = new ImageService(o.store, () => o.clock.now());
    this.bootVms = o.bootVms ?? true;
    this.security = new SecurityCenter(o.store);
    this.attestationOptions = o.attestation;
  }

  /** Start the controller: resumes every operation that was in flight when the store was last closed. */
  async start(): Promise<void> {
    if (this.bootVms) {
      // Issue 7: the platform's node images (built at first start) and the VMs' verified, measured boot.
      await this.images.ensurePlatformImages();
      this.vtpm = new VtpmService(this.ctx.store, await loadOrCreateVtpmCa(this.ctx.store), this.ctx.clock);
      const boot = (this.boot = new VmBootService(this.ctx, this.images, this.vtpm));
      const hooks = this.ctx.hooks as Hooks;
      hooks.bootVm ??= (vm, pool) => boot.boot(vm, pool);
      const previous = hooks.vmDeleted;
      hooks.vmDeleted = async (vm) => {
        await previous?.(vm);
        await boot.vmDeleted(vm);
      };
      // Issue 8: attest each VM after its boot is committed and periodically (a controller queue, off the boot path).
      this.attestation = new AttestationService(this.ctx, { vtpm: this.vtpm, images: this.images, vms: this.vms }, this.attestationOptions);
      this.attestation.register(this.controller);
      await this.attestation.start();
    }
    // The Kubernetes cache loads first: its controllers' first passes read it.
    await this.kube.start();
    await this.controller.start();
  }

  stop(): void {
    this.attestation?.stop();
    this.controller.stop();
    this.kube.stop();
  }
}
