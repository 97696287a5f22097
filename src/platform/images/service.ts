/**
 * Node images in the Store: the platform's own (built at first start) and imported boot chains
 * (`tl image import`). Loaded images are kept in memory once per process: every VM of a pool
 * boots the same buffers, so Secure Boot verdicts are computed once per image (src/uefi memoises
 * by content) while measurement stays per VM.
 */
import { nodeImageVersion } from '../catalog/node-images.js';
import { isTlError } from '../../core/errors.js';
import { databaseFromCertificates, databaseFromSignatureLists, parsePeFile, type SignatureDatabase } from '../../uefi/index.js';
import { DomainError, invalid, notFound } from '../errors.js';
import type { Store, WriteOp } from '../store/store.js';
import { buildPlatformImages, sha256Hex, type BuiltFile, type BuiltImage, KERNEL_PATH, INITRD_PATH } from './build.js';
import { loadOrCreateFirmwarePki } from './pki.js';
import { IMAGE_FILE_KIND, IMAGE_KIND, type ImageFileRef, type NodeImage } from './types.js';

export interface LoadedImage {
  readonly meta: NodeImage;
  readonly shim: Uint8Array;
  readonly bootloader: Uint8Array;
  readonly kernel: Uint8Array;
  readonly initrd: Uint8Array | undefined;
  readonly modules: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  readonly gpuDriver: { readonly name: string; readonly bytes: Uint8Array } | undefined;
  readonly kernelKeys: SignatureDatabase;
  readonly firmware: { readonly PK: Uint8Array; readonly KEK: Uint8Array; readonly db: Uint8Array; readonly dbx: Uint8Array };
  /** db and dbx parsed once, so every VM passes the same objects (verdicts are memoised by their identity). */
  readonly trust: { readonly db: SignatureDatabase; readonly dbx: SignatureDatabase };
}

/** The two images the platform ships, by the names pools report in nodeImageVersion. */
export const PLATFORM_IMAGES = {
  trustedLaunch: nodeImageVersion({ osType: 'Linux', osSKU: 'Ubuntu', gen2: true, arm64: false, fips: false, trustedLaunch: true, kubernetesVersion: '1.33.0' }),
  standard: nodeImageVersion({ osType: 'Linux', osSKU: 'Ubuntu', gen2: true, arm64: false, fips: false, trustedLaunch: false, kubernetesVersion: '1.33.0' }),
};

export interface ImportRequest {
  readonly name: string;
  readonly osDistro?: string;
  readonly osVersion?: string;
  readonly shim: BuiltFile;
  readonly bootloader: BuiltFile;
  readonly kernel: BuiltFile;
  readonly initrd?: BuiltFile;
  readonly modules?: readonly BuiltFile[];
  readonly kernelKeys?: readonly BuiltFile[];
  /** EFI_SIGNATURE_LIST bytes for the firmware; defaults to the platform's. */
  readonly firmware?: Partial<{ PK: Uint8Array; KEK: Uint8Array; db: Uint8Array; dbx: Uint8Array }>;
  readonly cmdline?: string;
}

export class ImageService {
  private readonly loaded = new Map<string, Promise<LoadedImage>>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  /** Build and store the platform's images if this store has none (first start). */
  async ensurePlatformImages(): Promise<void> {
    if (await this.store.get(IMAGE_KIND, PLATFORM_IMAGES.trustedLaunch.toLowerCase())) return;
    const pki = await loadOrCreateFirmwarePki(this.store);
    const { trustedLaunch, standard } = buildPlatformImages(pki);
    await this.save(PLATFORM_IMAGES.trustedLaunch, 'platform', trustedLaunch, 'Ubuntu', '22.04');
    await this.save(PLATFORM_IMAGES.standard, 'platform', standard, 'Ubuntu', '22.04');
  }

  private async save(name: string, source: NodeImage['source'], img: BuiltImage, osDistro: string, osVersion: string, kernelPath = KERNEL_PATH): Promise<NodeImage> {
    const writes: WriteOp[] = [];
    const ref = (f: BuiltFile): ImageFileRef => {
      const sha256 = sha256Hex(f.bytes);
      writes.push({ op: 'putBlob', kind: IMAGE_FILE_KIND, key: sha256, data: f.bytes });
      return { name: f.name, sha256, size: f.bytes.length };
    };
    const meta: NodeImage = {
      name,
      source,
      trustedLaunch: img.trustedLaunch,
      osDistro,
      osVersion,
      shim: ref(img.shim),
      bootloader: ref(img.bootloader),
      kernel: ref(img.kernel),
      initrd: ref(img.initrd),
      modules: img.modules.map(ref),
      gpuDriver: ref(img.gpuDriver),
      kernelKeys: img.kernelKeys.map(ref),
      firmware: { PK: ref({ name: 'PK', bytes: img.firmware.PK }), KEK: ref({ name: 'KEK', bytes: img.firmware.KEK }), db: ref({ name: 'db', bytes: img.firmware.db }), dbx: ref({ name: 'dbx', bytes: img.firmware.dbx }) },
      kernelPath,
      initrdPath: kernelPath === KERNEL_PATH ? INITRD_PATH : kernelPath.replace('vmlinuz', 'initrd.img'),
      cmdline: img.cmdline,
      grubCommands: img.grubCommands,
      createdAt: this.now(),
    };
    writes.push({ op: 'put', kind: IMAGE_KIND, key: name.toLowerCase(), value: meta });
    await this.store.commit(writes);
    this.loaded.delete(name.toLowerCase());
    return meta;
  }

  /** Import an operator's boot chain (e.g. Debian's signed shim, grub and kernel) as an image. */
  async import(req: ImportRequest): Promise<NodeImage> {
    if (!/^[A-Za-z0-9][-A-Za-z0-9_.]{0,79}$/.test(req.name)) throw invalid('InvalidParameter', `Image name '${req.name}' is invalid: use 1-80 letters, digits, '-', '_' and '.'.`, 'name');
    requireBootApplications(req);
    const platform = await this.get(PLATFORM_IMAGES.trustedLaunch);
    const cmdline = req.cmdline ?? platform.meta.cmdline;
    const built: BuiltImage = {
      trustedLaunch: true,
      shim: req.shim,
      bootloader: req.bootloader,
      kernel: req.kernel,
      initrd: req.initrd ?? { name: 'initrd.img', bytes: platform.initrd ?? new Uint8Array(0) },
      modules: req.modules ?? [],
      gpuDriver: platform.gpuDriver!,
      kernelKeys: req.kernelKeys ?? [],
      firmware: { ...platform.firmware, ...req.firmware },
      cmdline,
      grubCommands: platform.meta.grubCommands,
    };
    const kernelName = req.kernel.name.replace(/\.signed$/, '');
    return this.save(req.name, 'imported', built, req.osDistro ?? 'Linux', req.osVersion ?? '', `/boot/${kernelName.startsWith('vmlinuz') ? kernelName : 'vmlinuz'}`);
  }

  async list(): Promise<NodeImage[]> {
    return (await this.store.list<NodeImage>(IMAGE_KIND)).map((r) => r.value);
  }

  async meta(name: string): Promise<NodeImage> {
    const rec = await this.store.get<NodeImage>(IMAGE_KIND, name.toLowerCase());
    if (!rec) throw notFound('ImageNotFound', `Node image '${name}' was not found.`);
    return rec.value;
  }

  /** An image with its bytes, loaded once per process. */
  get(name: string): Promise<LoadedImage> {
    const key = name.toLowerCase();
    let p = this.loaded.get(key);
    if (!p) {
      p = this.load(name);
      this.loaded.set(key, p);
      p.catch(() => this.loaded.delete(key));
    }
    return p;
  }

  private async load(name: string): Promise<LoadedImage> {
    const meta = await this.meta(name);
    const file = async (r: ImageFileRef): Promise<Uint8Array> => {
      const b = await this.store.getBlob(IMAGE_FILE_KIND, r.sha256);
      if (!b) throw notFound('ImageFileMissing', `File ${r.name} (${r.sha256}) of image ${name} is missing from the store.`);
      return b;
    };
    const named = async (r: ImageFileRef) => ({ name: r.name, bytes: await file(r) });
    const firmware = { PK: await file(meta.firmware.PK), KEK: await file(meta.firmware.KEK), db: await file(meta.firmware.db), dbx: await file(meta.firmware.dbx) };
    return {
      meta,
      shim: await file(meta.shim),
      bootloader: await file(meta.bootloader),
      kernel: await file(meta.kernel),
      initrd: meta.initrd ? await file(meta.initrd) : undefined,
      modules: await Promise.all(meta.modules.map(named)),
      gpuDriver: meta.gpuDriver ? await named(meta.gpuDriver) : undefined,
      kernelKeys: databaseFromCertificates('kernel built-in keys', await Promise.all(meta.kernelKeys.map(file))),
      firmware,
      trust: { db: databaseFromSignatureLists('db', firmware.db), dbx: databaseFromSignatureLists('dbx', firmware.dbx) },
    };
  }
}

/**
 * Firmware, shim and grub load only PE/COFF images (UEFI 2.10 §2.1.1; PE Format §2–§4): a shim,
 * grub or kernel that does not parse could never boot, so the import is refused naming each one.
 */
function requireBootApplications(req: ImportRequest): void {
  const bad: DomainError[] = [];
  for (const k of ['shim', 'bootloader', 'kernel'] as const) {
    try {
      parsePeFile(req[k].bytes);
    } catch (e) {
      if (!isTlError(e)) throw e;
      bad.push(invalid('InvalidParameter', `properties.${k} (${req[k].name}) does not parse as a PE/COFF image: ${e.message}. The ${k} must be an EFI application (a signed .efi or a kernel built with the EFI stub).`, k));
    }
  }
  if (bad.length === 1) throw bad[0]!;
  if (bad.length > 1) {
    throw new DomainError('Invalid', 'InvalidParameter', `${bad.map((b) => b.target).join(', ')} are not PE/COFF images; see details.`, { target: bad[0]!.target!, details: bad });
  }
}
