import { beforeAll, describe, expect, it } from 'vitest';
import { createVerificationCache } from '../../uefi/index.js';
import { ImageService, PLATFORM_IMAGES, type LoadedImage } from '../images/service.js';
import { MemoryStore } from '../store/memory-store.js';
import { bootVm } from './boot-vm.js';
import type { TamperComponent } from './tamper.js';

let tl: LoadedImage;
let standard: LoadedImage;
const cache = createVerificationCache();

beforeAll(async () => {
  const images = new ImageService(new MemoryStore(), () => 0);
  await images.ensurePlatformImages();
  tl = await images.get(PLATFORM_IMAGES.trustedLaunch);
  standard = await images.get(PLATFORM_IMAGES.standard);
});

const boot = (o: { secureBoot: boolean; tamper?: TamperComponent[]; image?: LoadedImage; gpu?: boolean }) =>
  bootVm({ vmName: 'aks-np-12345678-vmss000000', secureBoot: o.secureBoot, image: o.image ?? tl, gpuDriver: o.gpu ?? false, cache, ...(o.tamper ? { tamper: { components: o.tamper, at: 0 } } : {}) });

describe('Secure Boot on the platform images (no vTPM)', () => {
  it('boots the Trusted Launch image with Secure Boot, every module signed by the kernel key', async () => {
    const r = await boot({ secureBoot: true });
    expect(r.ok).toBe(true);
    expect(r.modules.map((m) => [m.name, m.loaded, m.signer])).toEqual(r.modules.map((m) => [m.name, true, 'Trusted Launch kernel module signing key']));
    expect(r.serialLog).toMatch(/secureboot: Secure boot enabled/);
    expect(r.serialLog).toMatch(/aks-np-12345678-vmss000000 login: \n$/);
    expect(r.eventLog).toBeUndefined();
  });

  it('refuses the standard (unsigned) image at shim, naming it, as Hyper-V firmware words it', async () => {
    const r = await boot({ secureBoot: true, image: standard });
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ component: 'shimx64.efi', stage: 'shim' });
    expect(r.failure!.reason).toMatch(/no signature/);
    expect(r.serialLog).toMatch(/The image's hash and certificate are not allowed \(DB\)/);
  });

  it('boots everything with Secure Boot off, including the standard image', async () => {
    expect((await boot({ secureBoot: false, image: standard })).ok).toBe(true);
    expect((await boot({ secureBoot: false, tamper: ['shim', 'grub', 'kernel'] })).ok).toBe(true);
  });

  const refused: [TamperComponent, string, RegExp][] = [
    ['shim', 'shimx64.efi', /The image's hash and certificate are not allowed/],
    ['grub', 'grubx64.efi', /Verification failed: \(0x1A\) Security Violation/],
    ['kernel', 'vmlinuz-5.15.0-1079-azure', /bad shim signature/],
  ];
  for (const [component, name, console] of refused) {
    it(`refuses a tampered ${component} under Secure Boot, naming ${name}, its signer and the reason`, async () => {
      const r = await boot({ secureBoot: true, tamper: [component] });
      expect(r.ok).toBe(false);
      expect(r.failure!.component).toBe(name);
      expect(r.failure!.signer).toMatch(/^Trusted Launch (UEFI|Secure Boot) Signer$/);
      expect(r.failure!.reason).toMatch(/does not match the signed digest/);
      expect(r.serialLog).toMatch(console);
    });
  }

  it('refuses a rootkit module on its own and keeps booting; loads it (tainted) without Secure Boot', async () => {
    const on = await boot({ secureBoot: true, tamper: ['module'] });
    expect(on.ok).toBe(true);
    expect(on.modules.find((m) => m.name === 'hv_vmbus.ko')).toMatchObject({ loaded: false });
    expect(on.modules.filter((m) => m.loaded)).toHaveLength(4);
    expect(on.serialLog).toMatch(/could not insert 'hv_vmbus': Key was rejected by service/);
    const off = await boot({ secureBoot: false, tamper: ['module'] });
    expect(off.modules.every((m) => m.loaded)).toBe(true);
    expect(off.serialLog).toMatch(/hv_vmbus: module verification failed: signature and\/or required key missing - tainting kernel/);
  });

  it('refuses the unsigned GPU driver under Secure Boot (the document: skip the driver install)', async () => {
    const r = await boot({ secureBoot: true, gpu: true });
    expect(r.ok).toBe(true);
    expect(r.modules.find((m) => m.name === 'nvidia.ko')).toMatchObject({ loaded: false });
    expect(r.modules.find((m) => m.name === 'nvidia.ko')!.reason).toMatch(/no signature|not signed|unsigned/i);
  });

  it('boots with tampered cmdline, db and dbx (Secure Boot cannot see them; measured boot does)', async () => {
    const r = await boot({ secureBoot: true, tamper: ['cmdline', 'db', 'dbx'] });
    expect(r.ok).toBe(true);
    expect(r.serialLog).toMatch(/init=\/usr\/lib\/\.x\/rk module\.sig_enforce=0/);
  });
});
