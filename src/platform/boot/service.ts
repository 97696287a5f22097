/**
 * The platform's boot hook: what happens when a VM reaches its Booting stage (agent pool
 * reconciler) — load the pool's node image, the VM's tamper record and vTPM, run the boot
 * (boot-vm.ts), keep its evidence (boot diagnostics, TCG event log, IMA log) and say whether the
 * VM runs. Secure Boot verdicts are memoised across VMs (one cache per process); measurement is
 * per VM.
 */
import { createVerificationCache, type VerificationCache } from '../../uefi/index.js';
import { findVmSize } from '../catalog/vm-sizes.js';
import { PLATFORM_IMAGES, type ImageService } from '../images/service.js';
import { keys } from '../model/keys.js';
import type { AgentPool, VirtualMachine } from '../model/types.js';
import type { BootOutcome, PlatformContext } from '../services/context.js';
import { BOOT_RECORD_KIND, EVENT_LOG_KIND, IMA_LOG_KIND, type BootRecord } from '../services/vms.js';
import type { WriteOp } from '../store/store.js';
import type { VtpmService } from '../vtpm/service.js';
import { bootVm } from './boot-vm.js';
import { TAMPER_KIND, type Tamper } from './tamper.js';

export const vmKeyOf = (vm: Pick<VirtualMachine, 'subscriptionId' | 'nodeResourceGroup' | 'vmssName' | 'instanceId'>): string =>
  keys.vm(keys.scaleSet(vm.subscriptionId, vm.nodeResourceGroup, vm.vmssName), vm.instanceId);

/** The image a pool's VMs boot. */
export function imageNameOf(pool: Pick<AgentPool, 'trustedLaunchImage' | 'importedImage'>): string {
  return pool.trustedLaunchImage ? (pool.importedImage ?? PLATFORM_IMAGES.trustedLaunch) : PLATFORM_IMAGES.standard;
}

export class VmBootService {
  readonly cache: VerificationCache = createVerificationCache();

  constructor(
    private readonly ctx: PlatformContext,
    readonly images: ImageService,
    readonly vtpm: VtpmService,
  ) {}

  async boot(vm: VirtualMachine, pool: AgentPool): Promise<BootOutcome> {
    const vmKey = vmKeyOf(vm);
    const imageName = imageNameOf(pool);
    const image = await this.images.get(imageName);
    const tamper = (await this.ctx.store.get<Tamper>(TAMPER_KIND, vmKey))?.value;
    const size = findVmSize(vm.model.vmSize);
    const gpuDriver = !!size?.gpu && pool.gpuDriver !== 'None';
    const tpm = vm.model.vTpmEnabled ? await this.vtpm.open(vmKey, vm.vmId) : undefined;
    let result;
    const writes: WriteOp[] = [];
    try {
      result = await bootVm({ vmName: vm.computerName, secureBoot: vm.model.secureBootEnabled, image, tamper, gpuDriver, cache: this.cache, ...(tpm ? { tpm: tpm.measuring } : {}) });
    } finally {
      if (tpm) writes.push(...(await tpm.suspend()));
    }
    const record: BootRecord = {
      vmKey,
      at: this.ctx.clock.now(),
      ok: result.ok,
      ...(result.failure ? { failure: result.failure } : {}),
      serialLog: result.serialLog,
      modules: result.modules,
      applications: result.applications,
      secureBoot: vm.model.secureBootEnabled,
      vTpm: vm.model.vTpmEnabled,
      nodeImage: imageName,
      ...(tamper ? { tamper: tamper.components } : {}),
    };
    writes.push({ op: 'put', kind: BOOT_RECORD_KIND, key: vmKey, value: record });
    writes.push(result.eventLog ? { op: 'putBlob', kind: EVENT_LOG_KIND, key: vmKey, data: result.eventLog } : { op: 'deleteBlob', kind: EVENT_LOG_KIND, key: vmKey });
    writes.push(result.imaLog ? { op: 'putBlob', kind: IMA_LOG_KIND, key: vmKey, data: result.imaLog } : { op: 'deleteBlob', kind: IMA_LOG_KIND, key: vmKey });
    if (result.ok) return { ok: true, writes };
    const f = result.failure!;
    const diagnostics = `The VM did not boot; see its boot diagnostics (tl vm boot-diagnostics get-boot-log --resource-group ${vm.nodeResourceGroup} --name ${vm.computerName}).`;
    return {
      ok: false,
      writes,
      failure:
        f.kind === 'LoadError'
          ? { code: 'InvalidBootImage', message: `Node image ${imageName}: ${f.component} (${f.stage}) could not be loaded: ${f.reason}. ${diagnostics}` }
          : { code: 'SecureBootViolation', message: `Secure Boot refused to boot ${f.component} (${f.stage}${f.signer ? `, signed by ${f.signer}` : ''}): ${f.reason}. ${diagnostics}` },
    };
  }

  /** A deleted VM takes its vTPM and evidence with it. */
  async vmDeleted(vm: VirtualMachine): Promise<void> {
    const vmKey = vmKeyOf(vm);
    await this.vtpm.destroy(vmKey);
    await this.ctx.store.commit([
      { op: 'delete', kind: BOOT_RECORD_KIND, key: vmKey },
      { op: 'deleteBlob', kind: EVENT_LOG_KIND, key: vmKey },
      { op: 'deleteBlob', kind: IMA_LOG_KIND, key: vmKey },
      { op: 'delete', kind: TAMPER_KIND, key: vmKey },
    ]);
  }
}

