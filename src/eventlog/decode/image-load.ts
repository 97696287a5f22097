/**
 * UEFI_IMAGE_LOAD_EVENT (PFP §10.2.3 / TCG EFI Platform §7.3): the data of
 * EV_EFI_BOOT_SERVICES_APPLICATION, EV_EFI_BOOT_SERVICES_DRIVER and EV_EFI_RUNTIME_SERVICES_DRIVER.
 * The digest of these events is the PE/COFF Authenticode hash of the image (not a hash of this data).
 *
 *   { UEFI_PHYSICAL_ADDRESS ImageLocationInMemory; UINT64 ImageLengthInMemory;
 *     UINT64 ImageLinkTimeAddress; UINT64 LengthOfDevicePath; UEFI_DEVICE_PATH DevicePath[]; }
 */
import { ByteReader, ByteWriter } from '../../core/bytes.js';
import { WireError } from '../../core/errors.js';
import { formatDevicePath } from '../../core/efi/index.js';

export interface UefiImageLoadEvent {
  readonly ImageLocationInMemory: bigint;
  readonly ImageLengthInMemory: bigint;
  readonly ImageLinkTimeAddress: bigint;
  readonly LengthOfDevicePath: bigint;
  /** The LengthOfDevicePath bytes (or fewer when the event is short: `truncated`). */
  readonly DevicePath: Uint8Array;
  /** Bytes after the device path (tpm2_eventlog's raw form prints them with the path). */
  readonly trailing: Uint8Array;
  readonly truncated: boolean;
  /** Text form of the device path, or undefined when it does not decode. */
  readonly devicePathText: string | undefined;
}

export function parseImageLoadEvent(data: Uint8Array, base = 0): UefiImageLoadEvent {
  const r = new ByteReader(data, { base, path: ['UEFI_IMAGE_LOAD_EVENT'] });
  const ImageLocationInMemory = r.u64le();
  const ImageLengthInMemory = r.u64le();
  const ImageLinkTimeAddress = r.u64le();
  const LengthOfDevicePath = r.u64le();
  const rest = r.bytesView(r.remaining, 'DevicePath');
  const n = LengthOfDevicePath > BigInt(rest.length) ? rest.length : Number(LengthOfDevicePath);
  const DevicePath = rest.subarray(0, n);
  let devicePathText: string | undefined;
  try {
    devicePathText = formatDevicePath(DevicePath, base + 32);
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
  }
  return {
    ImageLocationInMemory, ImageLengthInMemory, ImageLinkTimeAddress, LengthOfDevicePath, DevicePath,
    trailing: rest.subarray(n), truncated: LengthOfDevicePath > BigInt(rest.length), devicePathText,
  };
}

export function encodeImageLoadEvent(e: { location: bigint; length: bigint; linkTimeAddress?: bigint; devicePath: Uint8Array }): Uint8Array {
  return new ByteWriter(32 + e.devicePath.length)
    .u64le(e.location).u64le(e.length).u64le(e.linkTimeAddress ?? 0n).u64le(BigInt(e.devicePath.length)).bytes(e.devicePath)
    .finish();
}
