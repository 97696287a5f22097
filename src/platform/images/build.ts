/**
 * The platform's own node images, built at first start with the Secure Boot library's signer:
 *
 * - the Trusted Launch image: a shim-like first stage (SBAT, embedded vendor CA, signed by the
 *   "Microsoft-like" UEFI CA in db), a grub-like loader and a kernel (signed by the vendor
 *   signer), kernel modules signed with the kernel's built-in key, an initrd, the kernel command
 *   line AKS nodes boot with, and firmware variables PK/KEK/db/dbx; dbx revokes an older grub
 *   (as real dbx updates revoke vulnerable boot loaders);
 * - the standard (non-TL) image: the same components, unsigned (a Gen2 image that was never
 *   prepared for Secure Boot — which is why the document says pools without the TL image can
 *   never enable it);
 * - both carry the GPU vendor's driver module, unsigned as the vendor ships it.
 */
import { createHash } from 'node:crypto';
import { utf8 } from '../../core/bytes.js';
import { EFI_CERT_SHA256_GUID, EFI_CERT_X509_GUID, encodeSignatureLists, type EfiGuid } from '../../core/efi/index.js';
import { authenticodeDigest, buildNodeBootChain, buildNodeImage, parsePeFile, signPeImage } from '../../uefi/index.js';
import type { FirmwarePki } from './pki.js';

/** The owner GUID the platform writes into its signature lists (as Microsoft writes 77fa9abd-…). */
export const PLATFORM_OWNER_GUID: EfiGuid = '8e1e3c4a-6a8b-4d7e-9a43-54a1c0de7a11';

export const KERNEL_VERSION = '5.15.0-1079-azure';
export const KERNEL_PATH = `/boot/vmlinuz-${KERNEL_VERSION}`;
export const INITRD_PATH = `/boot/initrd.img-${KERNEL_VERSION}`;
/** The command line AKS Ubuntu nodes boot with. */
export const NODE_CMDLINE = `root=PARTUUID=8a1bd7a1-0c8d-4d35-9a3c-d1d3c4e5f607 ro console=tty1 console=ttyS0 earlyprintk=ttyS0 panic=-1 ima_policy=tcb`;
export const NODE_MODULES = ['hv_vmbus.ko', 'hv_storvsc.ko', 'hv_netvsc.ko', 'hv_utils.ko', 'overlay.ko'];
export const GPU_DRIVER_MODULE = 'nvidia.ko';

export interface BuiltFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface BuiltImage {
  readonly trustedLaunch: boolean;
  readonly shim: BuiltFile;
  readonly bootloader: BuiltFile;
  readonly kernel: BuiltFile;
  readonly initrd: BuiltFile;
  readonly modules: readonly BuiltFile[];
  readonly gpuDriver: BuiltFile;
  readonly kernelKeys: readonly BuiltFile[];
  readonly firmware: { readonly PK: Uint8Array; readonly KEK: Uint8Array; readonly db: Uint8Array; readonly dbx: Uint8Array };
  readonly cmdline: string;
  readonly grubCommands: readonly string[];
}

const x509List = (certs: readonly Uint8Array[], owner = PLATFORM_OWNER_GUID) =>
  encodeSignatureLists(certs.map((c) => ({ SignatureType: EFI_CERT_X509_GUID, Signatures: [{ SignatureOwner: owner, SignatureData: c }] })));

/** The ELF-like body of a module (a marker, not code: nothing here executes). */
function moduleBody(name: string): Uint8Array {
  return new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...utf8(`module ${name} for ${KERNEL_VERSION}`)]);
}

export function grubCommandsFor(cmdline: string): string[] {
  return [
    'set root=(hd0,gpt1)',
    "search --no-floppy --fs-uuid --set=root 8a1bd7a1",
    `linux ${KERNEL_PATH} ${cmdline}`,
    `initrd ${INITRD_PATH}`,
    'boot',
  ];
}

export function buildPlatformImages(pki: FirmwarePki): { trustedLaunch: BuiltImage; standard: BuiltImage } {
  const chain = buildNodeBootChain(pki, { modules: NODE_MODULES, kernelCommandLine: `BOOT_IMAGE=${KERNEL_PATH} ${NODE_CMDLINE}` });
  const initrd = { name: 'initrd.img', bytes: utf8(`initramfs for ${KERNEL_VERSION}\n`) };
  const gpuDriver = { name: GPU_DRIVER_MODULE, bytes: moduleBody(GPU_DRIVER_MODULE) };
  // dbx: the Authenticode SHA-256 of an older grub build, revoked (as dbx updates revoke vulnerable loaders).
  const oldGrub = signPeImage(buildNodeImage({ payload: utf8('grub 2.06 (vulnerable)') }), pki.vendorSigner);
  const revoked = authenticodeDigest(parsePeFile(oldGrub), 'sha256');
  const firmware = {
    PK: x509List([pki.pk.cert]),
    KEK: x509List([pki.kek.cert]),
    db: x509List([pki.uefiCa.cert]),
    dbx: encodeSignatureLists([{ SignatureType: EFI_CERT_SHA256_GUID, Signatures: [{ SignatureOwner: PLATFORM_OWNER_GUID, SignatureData: revoked }] }]),
  };
  const common = {
    initrd,
    gpuDriver,
    kernelKeys: [{ name: 'module-signing-key.der', bytes: pki.moduleKey.cert }],
    firmware,
    cmdline: NODE_CMDLINE,
    grubCommands: grubCommandsFor(NODE_CMDLINE),
  };
  const trustedLaunch: BuiltImage = {
    ...common,
    trustedLaunch: true,
    shim: { name: 'shimx64.efi', bytes: chain.shim },
    bootloader: { name: 'grubx64.efi', bytes: chain.bootloader },
    kernel: { name: `vmlinuz-${KERNEL_VERSION}`, bytes: chain.kernel },
    modules: chain.modules,
  };
  const standard: BuiltImage = {
    ...common,
    trustedLaunch: false,
    shim: { name: 'shimx64.efi', bytes: buildNodeImage({ payload: utf8('shim (unsigned)') }) },
    bootloader: { name: 'grubx64.efi', bytes: buildNodeImage({ payload: utf8('grub') }) },
    kernel: { name: `vmlinuz-${KERNEL_VERSION}`, bytes: buildNodeImage({ payload: utf8(`BOOT_IMAGE=${KERNEL_PATH} ${NODE_CMDLINE}`) }) },
    modules: NODE_MODULES.map((name) => ({ name, bytes: moduleBody(name) })),
  };
  return { trustedLaunch, standard };
}

export const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
