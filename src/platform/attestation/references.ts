/**
 * Reference values per node image, compiled from the image's own files (src/attestation
 * policy/reference.ts) once per process and image version: every VM of every pool on that image
 * shares them (a pure function of identical bytes, DESIGN.md §4). The platform's Trusted Launch
 * image's PK/KEK/db are the "default Secure Boot keys" of the token claim.
 */
import { compileReferenceValues, type ReferenceValues } from '../../attestation/index.js';
import { PLATFORM_IMAGES, type ImageService, type LoadedImage } from '../images/service.js';

export class ReferenceValueCache {
  private readonly cache = new Map<string, { createdAt: number; refs: Promise<ReferenceValues> }>();

  constructor(private readonly images: ImageService) {}

  async forImage(name: string): Promise<ReferenceValues> {
    const img = await this.images.get(name);
    const key = name.toLowerCase();
    const hit = this.cache.get(key);
    if (hit && hit.createdAt === img.meta.createdAt) return hit.refs;
    const refs = this.compile(img);
    this.cache.set(key, { createdAt: img.meta.createdAt, refs });
    refs.catch(() => this.cache.delete(key));
    return refs;
  }

  private async compile(img: LoadedImage): Promise<ReferenceValues> {
    const platform = await this.images.get(PLATFORM_IMAGES.trustedLaunch);
    const m = img.meta;
    return compileReferenceValues({
      name: m.name,
      osDistro: m.osDistro,
      osVersion: m.osVersion,
      shim: { name: m.shim.name, bytes: img.shim },
      bootloader: { name: m.bootloader.name, bytes: img.bootloader },
      kernel: { name: m.kernel.name, bytes: img.kernel },
      initrd: img.initrd,
      modules: [...img.modules, ...(img.gpuDriver ? [img.gpuDriver] : [])],
      firmware: img.firmware,
      kernelPath: m.kernelPath,
      initrdPath: m.initrdPath,
      cmdline: m.cmdline,
      defaults: { PK: platform.firmware.PK, KEK: platform.firmware.KEK, db: platform.firmware.db },
    });
  }
}
