/**
 * Importing a node image: the boot applications (shim, grub, kernel) must be PE/COFF images, or
 * the import is refused — naming each bad component and why — and nothing is stored.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { MemoryStore } from '../store/memory-store.js';
import { sha256Hex } from './build.js';
import { ImageService, PLATFORM_IMAGES, type ImportRequest, type LoadedImage } from './service.js';
import { IMAGE_FILE_KIND, IMAGE_KIND } from './types.js';

let store: MemoryStore;
let images: ImageService;
let platform: LoadedImage;
const garbage = new TextEncoder().encode('#!/bin/sh\necho this is not an EFI application\n'.repeat(4));

beforeAll(async () => {
  store = new MemoryStore();
  images = new ImageService(store, () => 0);
  await images.ensurePlatformImages();
  platform = await images.get(PLATFORM_IMAGES.trustedLaunch);
});

const chain = (o: Partial<Pick<ImportRequest, 'shim' | 'bootloader' | 'kernel'>> = {}): ImportRequest => ({
  name: 'custom',
  shim: { name: 'shimx64.efi.signed', bytes: platform.shim },
  bootloader: { name: 'grubx64.efi.signed', bytes: platform.bootloader },
  kernel: { name: 'vmlinuz-6.1.0-31-amd64', bytes: platform.kernel },
  ...o,
});

async function refusal(req: ImportRequest): Promise<DomainError> {
  const e = await images.import(req).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

describe('ImageService.import checks the boot applications', () => {
  it('refuses a kernel that is not a PE/COFF image, naming it and the parse error; stores nothing', async () => {
    const before = await images.list();
    const e = await refusal({ ...chain({ kernel: { name: 'vmlinuz-garbage', bytes: garbage } }), name: 'bad-kernel' });
    expect(e.kind).toBe('Invalid');
    expect(e.code).toBe('InvalidParameter');
    expect(e.target).toBe('kernel');
    expect(e.message).toMatch(/^properties\.kernel \(vmlinuz-garbage\) does not parse as a PE\/COFF image: PE: no MZ signature .*\(at offset 0\)\./);
    expect(await store.get(IMAGE_KIND, 'bad-kernel')).toBeUndefined();
    expect(await store.getBlob(IMAGE_FILE_KIND, sha256Hex(garbage))).toBeUndefined();
    expect(await images.list()).toEqual(before);
  });

  it('refuses a truncated grub (its headers cut short), with the offset where parsing stopped', async () => {
    const e = await refusal({ ...chain({ bootloader: { name: 'grubx64.efi', bytes: platform.bootloader.subarray(0, 0x80) } }), name: 'bad-grub' });
    expect(e.target).toBe('bootloader');
    expect(e.message).toMatch(/properties\.bootloader \(grubx64\.efi\) does not parse as a PE\/COFF image: PE\.IMAGE_OPTIONAL_HEADER: truncated: .*\(at offset \d+\)\./);
    expect(await store.get(IMAGE_KIND, 'bad-grub')).toBeUndefined();
  });

  it('names every bad component at once (details), shim and kernel here', async () => {
    const e = await refusal({ ...chain({ shim: { name: 'shimx64.efi', bytes: new Uint8Array(0) }, kernel: { name: 'vmlinuz', bytes: garbage } }), name: 'bad-both' });
    expect(e.code).toBe('InvalidParameter');
    expect(e.target).toBe('shim');
    expect(e.details.map((d) => [d.target, d.code])).toEqual([['shim', 'InvalidParameter'], ['kernel', 'InvalidParameter']]);
    expect(e.details[0]!.message).toMatch(/file of 0 bytes is too small for an MS-DOS header/);
    expect(await store.get(IMAGE_KIND, 'bad-both')).toBeUndefined();
  });

  it('accepts a chain of PE images (the check does not refuse real boot applications)', async () => {
    const meta = await images.import(chain());
    expect(meta.kernelPath).toBe('/boot/vmlinuz-6.1.0-31-amd64');
    expect((await images.get('custom')).kernel).toEqual(platform.kernel);
  });
});
