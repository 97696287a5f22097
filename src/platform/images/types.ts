/**
 * Node images: the boot chain a Gen2 VM boots (shim → grub → kernel → modules) with the UEFI
 * variables its firmware starts with. File contents live in the Store as blobs keyed by their
 * SHA-256 (kind `imageFile`), so identical files are stored once and 5,000 VMs share them.
 */

export interface ImageFileRef {
  readonly name: string;
  /** SHA-256 (hex) of the bytes: the blob key. */
  readonly sha256: string;
  readonly size: number;
}

export interface NodeImage {
  /** The node image version (`AKSUbuntu-2204gen2TLcontainerd-202611.10.0`) or an imported image's name. */
  readonly name: string;
  readonly source: 'platform' | 'imported';
  /** A Trusted Launch image: signed for Secure Boot and measured (the document's "imagem de início confiável"). */
  readonly trustedLaunch: boolean;
  readonly osDistro: string;
  readonly osVersion: string;
  readonly shim: ImageFileRef;
  readonly bootloader: ImageFileRef;
  readonly kernel: ImageFileRef;
  readonly initrd?: ImageFileRef;
  readonly modules: readonly ImageFileRef[];
  /** The GPU vendor's driver module (installed on GPU sizes unless the pool skips it). */
  readonly gpuDriver?: ImageFileRef;
  /** The kernel's built-in keys (certificates, DER), which verify modules. */
  readonly kernelKeys: readonly ImageFileRef[];
  /** EFI_SIGNATURE_LIST bytes of the firmware's Secure Boot variables. */
  readonly firmware: { readonly PK: ImageFileRef; readonly KEK: ImageFileRef; readonly db: ImageFileRef; readonly dbx: ImageFileRef };
  readonly kernelPath: string;
  readonly initrdPath: string;
  readonly cmdline: string;
  readonly grubCommands: readonly string[];
  readonly createdAt: number;
}

export const IMAGE_FILE_KIND = 'imageFile';
export const IMAGE_KIND = 'nodeImage';
export const PLATFORM_PKI_KIND = 'platformPki';
