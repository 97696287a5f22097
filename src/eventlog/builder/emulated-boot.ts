/**
 * A whole measured boot of a Gen2 VM (UEFI firmware → shim → grub → Linux), as edk2-based firmware,
 * shim 15.x and grub 2.06 log it; the order follows the real logs in the corpus (e.g. keylime
 * `binary_bios_measurements-secureboot`, tpm2-tools `event-moklisttrusted.bin`):
 *
 *   1. [StartupLocality] · PCR 0: S-CRTM version, firmware volumes
 *   2. PCR 7: SecureBoot, PK, KEK, db, dbx · PCR 7 separator
 *   3. PCR 1: BootOrder, Boot#### · PCR 4: "Calling EFI Application from Boot Option"
 *   4. PCR 0–6 separators
 *   5. shim: PCR 7 db authority (Secure Boot) · PCR 4 image · PCR 7 SbatLevel · PCR 14 MokList, MokListX, MokListTrusted
 *   6. grub: PCR 7 authority · PCR 4 image · PCR 8 grub_cmd… · PCR 9 files read
 *   7. kernel: PCR 8 grub_cmd "linux <path> <args>" (grub measures the command before running it) ·
 *      PCR 9 file · PCR 7 authority · PCR 4 image (shim_lock) · PCR 8 kernel_cmdline · PCR 9 initrd
 *   8. PCR 5: "Exit Boot Services Invocation", "… Returned with Success"
 * Returns the bytes and the PCR values a TPM extended with `onExtend`'s digests would hold.
 */
import { encodeLoadOption, LOAD_OPTION_ACTIVE, SHIM_LOCK_GUID, EFI_IMAGE_SECURITY_DATABASE_GUID, type EfiGuid } from '../../core/efi/index.js';
import { grubCommandArgs } from '../interpret/boot-chain.js';
import type { PcrValues } from '../replay.js';
import { EventLogBuilder, type AppendedEvent, type DigestsByAlg } from './builder.js';

export interface BootImage {
  /** Authenticode digests per bank (src/uefi computes them from the PE image). */
  readonly authenticode: DigestsByAlg;
  readonly length: bigint;
  readonly location?: bigint;
  readonly devicePath?: Uint8Array;
  /** The signature-database entry that verified it (Secure Boot only): logged in PCR 7 once per distinct entry. */
  readonly authority?: { readonly variable: 'db' | 'Shim' | 'MokList' | 'vendor_db'; readonly owner: EfiGuid; readonly data: Uint8Array };
}

export interface EmulatedBootSpec {
  readonly banks?: readonly number[];
  readonly startupLocality?: 0 | 3;
  readonly firmwareVersion: string;
  readonly firmwareVolumes: readonly { readonly base: bigint; readonly length: bigint; readonly digests: DigestsByAlg }[];
  readonly secureBoot: boolean;
  /** EFI_SIGNATURE_LIST bytes of each database (empty when unset). */
  readonly pk: Uint8Array;
  readonly kek: Uint8Array;
  readonly db: Uint8Array;
  readonly dbx: Uint8Array;
  readonly bootOrder: readonly number[];
  readonly bootOptions: readonly { readonly number: number; readonly description: string; readonly devicePath: Uint8Array }[];
  readonly shim: BootImage;
  readonly mok?: { readonly mokList: Uint8Array; readonly mokListX: Uint8Array; readonly mokListTrusted?: boolean };
  readonly sbatLevel?: string;
  readonly grub: BootImage;
  /** Commands grub runs before `linux` (which is added: "linux <kernel.path> <cmdline>"). */
  readonly grubCommands: readonly string[];
  readonly grubFiles?: readonly { readonly path: string; readonly digests: DigestsByAlg }[];
  readonly kernel: BootImage & { readonly path: string; readonly fileDigests: DigestsByAlg };
  /** The kernel command line after the kernel path, as grub passes it (grub-quoted where an argument has a space). */
  readonly cmdline: string;
  readonly initrd?: { readonly path: string; readonly digests: DigestsByAlg };
  readonly exitBootServices?: boolean;
  /** Called for every extending event, in order, so a TPM can be extended with the same digests. */
  readonly onExtend?: (e: AppendedEvent) => void;
}

export function buildEmulatedBoot(spec: EmulatedBootSpec): { bytes: Uint8Array; pcrs: PcrValues; eventCount: number } {
  const b = new EventLogBuilder({ banks: spec.banks });
  const emit = (e: AppendedEvent): void => {
    if (e.eventType !== 3) spec.onExtend?.(e);
  };
  if (spec.startupLocality) b.startupLocality(spec.startupLocality);
  emit(b.sCrtmVersion(spec.firmwareVersion));
  for (const fv of spec.firmwareVolumes) emit(b.firmwareBlob(0, fv.base, fv.length, fv.digests));

  emit(b.secureBootVariable('SecureBoot', Uint8Array.of(spec.secureBoot ? 1 : 0)));
  emit(b.secureBootVariable('PK', spec.pk));
  emit(b.secureBootVariable('KEK', spec.kek));
  emit(b.secureBootVariable('db', spec.db));
  emit(b.secureBootVariable('dbx', spec.dbx));
  emit(b.separator(7));

  const order = new Uint8Array(spec.bootOrder.length * 2);
  spec.bootOrder.forEach((n, i) => { order[2 * i] = n & 0xff; order[2 * i + 1] = n >>> 8; });
  emit(b.bootVariable('BootOrder', order));
  for (const o of spec.bootOptions) {
    const name = 'Boot' + o.number.toString(16).toUpperCase().padStart(4, '0');
    emit(b.bootVariable(name, encodeLoadOption({ Attributes: LOAD_OPTION_ACTIVE, Description: o.description, FilePathList: o.devicePath })));
  }
  emit(b.efiAction(4, 'Calling EFI Application from Boot Option'));
  for (let pcr = 0; pcr <= 6; pcr++) emit(b.separator(pcr));

  const authorities = new Set<string>();
  const authority = (img: BootImage): void => {
    if (!spec.secureBoot || !img.authority) return;
    const key = `${img.authority.variable}:${img.authority.owner}:${Buffer.from(img.authority.data).toString('base64')}`;
    if (authorities.has(key)) return; // firmware and shim log each authority once (PFP §10.4.4)
    authorities.add(key);
    const guid = img.authority.variable === 'db' ? EFI_IMAGE_SECURITY_DATABASE_GUID : SHIM_LOCK_GUID;
    emit(b.variableAuthority(img.authority.variable, guid, img.authority.owner, img.authority.data));
  };
  const app = (img: BootImage): void => {
    emit(b.bootApplication(img.authenticode, { location: img.location, length: img.length, devicePath: img.devicePath }));
  };

  authority(spec.shim);
  app(spec.shim);
  if (spec.sbatLevel !== undefined) emit(b.sbatLevel(spec.sbatLevel));
  if (spec.mok) {
    emit(b.shimMokVariable('MokList', spec.mok.mokList));
    emit(b.shimMokVariable('MokListX', spec.mok.mokListX));
    if (spec.mok.mokListTrusted !== undefined) emit(b.shimMokVariable('MokListTrusted', Uint8Array.of(spec.mok.mokListTrusted ? 1 : 0)));
  }
  authority(spec.grub);
  app(spec.grub);
  for (const c of spec.grubCommands) emit(b.grubString('grub_cmd: ', c));
  for (const f of spec.grubFiles ?? []) emit(b.grubFile(f.path, f.digests));
  // The `linux` command itself, as grub's script measures it: its arguments unquoted, joined by spaces.
  const kernelCmdline = `${spec.kernel.path} ${spec.cmdline}`;
  emit(b.grubString('grub_cmd: ', `linux ${grubCommandArgs(kernelCmdline) ?? kernelCmdline}`));
  emit(b.grubFile(spec.kernel.path, spec.kernel.fileDigests));
  authority(spec.kernel);
  app(spec.kernel);
  emit(b.grubString('kernel_cmdline: ', kernelCmdline));
  if (spec.initrd) emit(b.grubFile(spec.initrd.path, spec.initrd.digests));
  if (spec.exitBootServices !== false) {
    emit(b.efiAction(5, 'Exit Boot Services Invocation'));
    emit(b.efiAction(5, 'Exit Boot Services Returned with Success'));
  }
  return b.finish();
}
