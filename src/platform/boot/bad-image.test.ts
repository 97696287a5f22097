/**
 * A stored image whose shim, grub or kernel is not a PE/COFF image (one that bypassed the import
 * check) fails the VM's boot — naming the component and the parse error in the serial log, the
 * VM's failure and the operation — instead of throwing out of the pool reconciler, which would
 * retry forever and leave the pool's operation in progress. With or without Secure Boot, with or
 * without a vTPM, and with a tamper recorded on such a VM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerificationCache } from '../../uefi/index.js';
import { sha256Hex } from '../images/build.js';
import { ImageService, PLATFORM_IMAGES, type LoadedImage } from '../images/service.js';
import { IMAGE_FILE_KIND, IMAGE_KIND, type NodeImage } from '../images/types.js';
import { KIND } from '../model/keys.js';
import type { AgentPool, VirtualMachine } from '../model/types.js';
import { MemoryStore } from '../store/memory-store.js';
import { harness, registerTrustedLaunch, type Harness } from '../test-support/harness.js';
import { bootVm, type MeasuringTpm } from './boot-vm.js';
import { vmKeyOf } from './service.js';
import type { TamperComponent } from './tamper.js';

const garbage = new TextEncoder().encode('not an EFI application '.repeat(8));
const cache = createVerificationCache();
let tl: LoadedImage;

beforeAll(async () => {
  const images = new ImageService(new MemoryStore(), () => 0);
  await images.ensurePlatformImages();
  tl = await images.get(PLATFORM_IMAGES.trustedLaunch);
});

const STAGES = [
  ['shim', 'shim', 'shimx64.efi', /1\. SCSI Disk \(0,0\) {4}The boot loader did not load an operating system\.\n\n {3}\\EFI\\ubuntu\\shimx64\.efi: not a valid PE\/COFF image: PE: no MZ signature/],
  ['bootloader', 'grub', 'grubx64.efi', /shim: grubx64\.efi: not a valid PE\/COFF image: PE: no MZ signature.*\nFailed to read header: Unsupported\nFailed to load image: Unsupported\nstart_image\(\) returned Unsupported/],
  ['kernel', 'kernel', 'vmlinuz-5.15.0-1079-azure', /vmlinuz-5\.15\.0-1079-azure: not a valid PE\/COFF image: PE: no MZ signature.*\nerror: .*you need to load the kernel first\./],
] as const;

const broken = (stage: 'shim' | 'bootloader' | 'kernel'): LoadedImage => ({ ...tl, [stage]: garbage });
const noopTpm: MeasuringTpm = { extend: async () => {} };

describe('bootVm on boot applications that are not PE/COFF images', () => {
  for (const [stage, tamperName, component, console] of STAGES) {
    for (const secureBoot of [false, true]) {
      it(`a garbage ${stage}, Secure Boot ${secureBoot ? 'on' : 'off'}: the boot fails naming ${component}, it does not throw`, async () => {
        const r = await bootVm({ vmName: 'vm0', secureBoot, image: broken(stage), gpuDriver: false, cache, tpm: noopTpm });
        expect(r.ok).toBe(false);
        expect(r.failure).toMatchObject({ kind: secureBoot ? 'SecureBoot' : 'LoadError', component, stage });
        expect(r.failure!.reason).toMatch(/^not a valid PE\/COFF image: PE: no MZ signature/);
        if (!secureBoot) expect(r.serialLog).toMatch(console);
        // Nothing after the failed component ran or was measured as a boot application.
        expect(r.applications.map((a) => a.stage)).toEqual(['shim', 'bootloader', 'kernel'].slice(0, ['shim', 'bootloader', 'kernel'].indexOf(stage)));
        expect(r.eventLog).toBeDefined();
      });
    }
    it(`tampering a garbage ${stage} (tl vm tamper ${tamperName}) fails the boot the same way`, async () => {
      const r = await bootVm({ vmName: 'vm0', secureBoot: false, image: broken(stage), gpuDriver: false, cache, tamper: { components: [tamperName as TamperComponent], at: 0 } });
      expect(r.failure).toMatchObject({ kind: 'LoadError', component, stage });
    });
  }
});

describe('a pool on a stored image with a garbage kernel (Secure Boot off, vTPM on)', () => {
  let h: Harness;
  const vms = async () => (await h.store.list<VirtualMachine>(KIND.vm)).map((v) => v.value).filter((v) => v.computerName.startsWith('aks-broken-'));

  beforeAll(async () => {
    h = await harness({ bootVms: true });
    await registerTrustedLaunch(h);
    // Written straight into the Store, as an image stored before imports were checked would be.
    const platform = (await h.store.get<NodeImage>(IMAGE_KIND, PLATFORM_IMAGES.trustedLaunch.toLowerCase()))!.value;
    const sha256 = sha256Hex(garbage);
    await h.store.commit([
      { op: 'putBlob', kind: IMAGE_FILE_KIND, key: sha256, data: garbage },
      { op: 'put', kind: IMAGE_KIND, key: 'broken', value: { ...platform, name: 'broken', source: 'imported', kernel: { name: 'vmlinuz-6.1.0-31-amd64', sha256, size: garbage.length } } satisfies NodeImage },
    ]);
    await h.platform.resourceGroups.createOrUpdate(h.sub, 'rg', 'eastus');
    await h.platform.clusters.createOrUpdate(h.sub, 'rg', 'c', { location: 'eastus', agentPoolProfiles: [{ name: 'nodepool1', count: 1 }] });
    await h.pass(200);
  }, 60_000);

  afterAll(() => h?.platform.stop());

  it('every VM fails its boot naming the kernel, and the pool operation completes as Failed', async () => {
    const { operation } = await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'broken', {
      count: 2,
      securityProfile: { enableVTPM: true, enableSecureBoot: false },
      extra: { creationData: { sourceResourceId: '/providers/TrustedLaunch.Platform/nodeImages/broken' } },
    });
    await h.pass(300);
    const all = await vms();
    expect(all.map((v) => v.stage)).toEqual(['Failed', 'Failed']);
    for (const vm of all) {
      expect(vm.failure!.code).toBe('InvalidBootImage');
      expect(vm.failure!.message).toMatch(/^Node image broken: vmlinuz-6\.1\.0-31-amd64 \(kernel\) could not be loaded: not a valid PE\/COFF image: PE: no MZ signature/);
      const rec = (await h.platform.vms.bootRecord(vmKeyOf(vm)))!;
      expect(rec.ok).toBe(false);
      expect(rec.failure).toMatchObject({ component: 'vmlinuz-6.1.0-31-amd64', stage: 'kernel' });
      expect(rec.serialLog).toMatch(/you need to load the kernel first/);
    }
    const op = await h.platform.operations.get(h.sub, operation.id);
    expect(op.status).toBe('Failed');
    expect(op.error).toMatchObject({ code: 'InvalidBootImage' });
    const pool = (await h.store.list<AgentPool>(KIND.agentPool)).map((p) => p.value).find((p) => p.name === 'broken')!;
    expect(pool.provisioningState).toBe('Failed');
    expect(pool.operationId).toBeUndefined();
  });

  it('a tamper and restart on such a VM fails the restart operation the same way', async () => {
    const vm = (await vms())[0]!;
    const found = await h.platform.vms.find(h.sub, vm.nodeResourceGroup, vm.computerName);
    await h.platform.vms.tamper(found, ['kernel']);
    const { operation } = await h.platform.vms.act(await h.platform.vms.find(h.sub, vm.nodeResourceGroup, vm.computerName), 'restart');
    await h.pass(100);
    expect((await h.platform.vms.find(h.sub, vm.nodeResourceGroup, vm.computerName)).vm.stage).toBe('Failed');
    const op = await h.platform.operations.get(h.sub, operation!.id);
    expect(op.status).toBe('Failed');
    expect(op.error!.code).toBe('InvalidBootImage');
    expect((await h.platform.vms.bootRecord(vmKeyOf(vm)))!.tamper).toEqual(['kernel']);
  });
});
