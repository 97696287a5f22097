/**
 * Actions on one VM of a scale set (`tl vm start|stop|restart|reimage|tamper`, and the same
 * Microsoft.Compute actions on the resource manager). A restart is a power cycle: the vTPM's
 * PCRs reset and the next boot is verified and measured again. A reimage restores the node
 * image (and so removes any tamper). Nothing here may run while the VM's pool is changing.
 * A reimage first cordons and drains the VM's Kubernetes node (issue 9) through the same
 * `hooks.drainVm` the agent pool reconciler calls before a pool's rolling reimage; the node is
 * uncordoned when it is Ready again after the reimage (kube/nodes/desired.ts).
 */
import { conflict, invalid, notFound } from '../errors.js';
import { KIND, ids, keys, parseComputerName } from '../model/keys.js';
import type { AgentPool, Operation, ScaleSet, VirtualMachine } from '../model/types.js';
import { dueAt } from '../reconcile/vm-stages.js';
import { TAMPER_KIND, type Tamper, type TamperComponent } from '../boot/tamper.js';
import type { WriteOp } from '../store/store.js';
import { admit, poolBusy } from './busy.js';
import type { PlatformContext } from './context.js';
import { OperationService } from './operations.js';

export type VmAction = 'start' | 'powerOff' | 'deallocate' | 'restart' | 'reimage';

export interface BootRecord {
  readonly vmKey: string;
  readonly at: number;
  readonly ok: boolean;
  readonly failure?: { readonly component: string; readonly stage: string; readonly signer?: string; readonly reason: string };
  readonly serialLog: string;
  readonly modules: readonly { readonly name: string; readonly loaded: boolean; readonly reason: string; readonly signer?: string; readonly sha256: string }[];
  readonly applications: readonly { readonly stage: string; readonly name: string; readonly sha256: string }[];
  readonly secureBoot: boolean;
  readonly vTpm: boolean;
  readonly nodeImage: string;
  readonly tamper?: readonly TamperComponent[];
}

export const BOOT_RECORD_KIND = 'bootRecord';
export const EVENT_LOG_KIND = 'tcgEventLog';
export const IMA_LOG_KIND = 'imaLog';

export class VmService {
  constructor(private readonly ctx: PlatformContext) {}

  /** The VM named `name` (its computer name) in node resource group `rg`, with its store key. */
  async find(sub: string, rg: string, name: string): Promise<{ key: string; rev: number; vm: VirtualMachine }> {
    const parsed = parseComputerName(name);
    const key = parsed ? keys.vm(keys.scaleSet(sub, rg, parsed.vmssName), parsed.instanceId) : undefined;
    const rec = key ? await this.ctx.store.get<VirtualMachine>(KIND.vm, key) : undefined;
    if (!key || !rec) throw notFound('ResourceNotFound', `The Resource 'Microsoft.Compute/virtualMachines/${name}' under resource group '${rg}' was not found.`);
    return { key, rev: rec.rev, vm: rec.value };
  }

  /** A VM by scale set and instance id (the Compute API's addressing). */
  async findByInstance(sub: string, rg: string, vmss: string, instanceId: number): Promise<{ key: string; rev: number; vm: VirtualMachine }> {
    const key = keys.vm(keys.scaleSet(sub, rg, vmss), instanceId);
    const rec = Number.isInteger(instanceId) ? await this.ctx.store.get<VirtualMachine>(KIND.vm, key) : undefined;
    if (!rec) throw notFound('ResourceNotFound', `The Resource 'Microsoft.Compute/virtualMachineScaleSets/${vmss}/virtualMachines/${instanceId}' under resource group '${rg}' was not found.`);
    return { key, rev: rec.rev, vm: rec.value };
  }

  async act(found: { key: string; rev: number; vm: VirtualMachine }, action: VmAction): Promise<{ vm: VirtualMachine; operation?: Operation }> {
    const { vm } = found;
    const pool = (await this.ctx.store.get<AgentPool>(KIND.agentPool, vm.poolKey))?.value;
    if (pool?.operationId) throw poolBusy(pool);
    if (vm.stage === 'Creating' || vm.stage === 'Deleting' || vm.stage === 'Reimaging' || vm.stage === 'Booting') {
      throw conflict('OperationNotAllowed', `Operation '${action}' is not allowed on VM '${vm.computerName}' since it is ${vm.stage.toLowerCase()}. Wait for it to finish.`);
    }
    const now = this.ctx.clock.now();
    const { stageDueAt: _d, failure: _f, ...rest } = vm;
    let next: VirtualMachine;
    const writes: WriteOp[] = [];
    switch (action) {
      case 'start':
      case 'restart':
        if (action === 'start' && vm.stage === 'Running') return { vm };
        next = { ...rest, stage: 'Booting', stageDueAt: dueAt('Booting', now, this.ctx.timing)! };
        break;
      case 'powerOff':
      case 'deallocate':
        next = { ...rest, stage: 'Stopped' };
        break;
      case 'reimage':
        await this.drain(vm);
        next = { ...rest, stage: 'Reimaging', stageDueAt: dueAt('Reimaging', now, this.ctx.timing)! };
        writes.push({ op: 'delete', kind: TAMPER_KIND, key: found.key });
        break;
      default:
        throw invalid('InvalidParameter', `Unknown action ${String(action)}.`);
    }
    const location = (await this.ctx.store.get<ScaleSet>(KIND.scaleSet, found.key.slice(0, found.key.lastIndexOf('/'))))?.value.location ?? 'eastus';
    const { op, write } = new OperationService(this.ctx).start(vm.subscriptionId, location, ids.vm(vm.subscriptionId, vm.nodeResourceGroup, vm.vmssName, vm.instanceId), { kind: KIND.vm, key: found.key }, action === 'reimage' ? 'Reimage' : 'Update');
    next = { ...next, operationId: op.id };
    await this.ctx.store.commit([{ op: 'put', kind: KIND.vm, key: found.key, value: next, expectRev: found.rev }, write, ...writes]);
    this.ctx.queue.enqueue(KIND.agentPool, vm.poolKey);
    return { vm: next, operation: op };
  }

  /**
   * Issue 9: "Reimage cordons and drains a node first" — the pool reconciler's drain hook, called
   * here for a single VM. No hook (no Kubernetes layer) or no Node: nothing to do. The drain
   * commits with compare-and-swap; a pod or node written meanwhile (a kubelet status update) makes
   * it conflict, so `admit` tries it again on the fresh cache and, if it keeps conflicting, refuses
   * the reimage (409) rather than run it on an undrained node. (Should the VM's own write below then
   * conflict, the node stays cordoned until the VM next boots.)
   */
  private async drain(vm: VirtualMachine): Promise<void> {
    const hook = this.ctx.hooks.drainVm;
    if (hook && !(await admit(() => hook(vm, 'Reimage')))) {
      throw conflict('OperationNotAllowed', `Operation 'reimage' is not allowed on VM '${vm.computerName}' since its node could not be drained yet. Try again later.`);
    }
  }

  /** Record a tamper; it takes effect at the VM's next boot. */
  async tamper(found: { key: string; vm: VirtualMachine }, components: readonly TamperComponent[], module?: string): Promise<Tamper> {
    const cur = (await this.ctx.store.get<Tamper>(TAMPER_KIND, found.key))?.value;
    const t: Tamper = { components: [...new Set([...(cur?.components ?? []), ...components])], ...(module ?? cur?.module ? { module: module ?? cur!.module! } : {}), at: this.ctx.clock.now() };
    await this.ctx.store.commit([{ op: 'put', kind: TAMPER_KIND, key: found.key, value: t }]);
    return t;
  }

  async bootRecord(vmKey: string): Promise<BootRecord | undefined> {
    return (await this.ctx.store.get<BootRecord>(BOOT_RECORD_KIND, vmKey))?.value;
  }

  async eventLog(vmKey: string): Promise<Uint8Array | undefined> {
    return this.ctx.store.getBlob(EVENT_LOG_KIND, vmKey);
  }

  async imaLog(vmKey: string): Promise<Uint8Array | undefined> {
    return this.ctx.store.getBlob(IMA_LOG_KIND, vmKey);
  }
}
