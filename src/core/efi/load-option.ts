/**
 * EFI_LOAD_OPTION (UEFI 2.10 §3.1.3 "Load Options"): the data of Boot####/Driver#### variables,
 * measured into PCR 1 as EV_EFI_VARIABLE_BOOT.
 *
 *   { UINT32 Attributes; UINT16 FilePathListLength; CHAR16 Description[] (NUL-terminated);
 *     EFI_DEVICE_PATH_PROTOCOL FilePathList[FilePathListLength bytes]; UINT8 OptionalData[]; }
 */
import { ByteWriter } from '../bytes.js';
import { WireError } from '../errors.js';
import { decodeUcs2z, encodeUcs2 } from './ucs2.js';

export const LOAD_OPTION_ACTIVE = 0x00000001;
export const LOAD_OPTION_FORCE_RECONNECT = 0x00000002;
export const LOAD_OPTION_HIDDEN = 0x00000008;
export const LOAD_OPTION_CATEGORY_APP = 0x00000100;

export interface EfiLoadOption {
  readonly Attributes: number;
  readonly FilePathListLength: number;
  readonly Description: string;
  /** The device path bytes (FilePathListLength of them, or fewer if the variable is short — see `truncated`). */
  readonly FilePathList: Uint8Array;
  readonly OptionalData: Uint8Array;
  /** True when FilePathListLength points past the end of the variable (seen on real firmware). */
  readonly truncated: boolean;
}

export function parseLoadOption(bytes: Uint8Array, base = 0): EfiLoadOption {
  if (bytes.length < 6) throw new WireError(`truncated: EFI_LOAD_OPTION needs 6 bytes, got ${bytes.length}`, base, 'EFI_LOAD_OPTION');
  const Attributes = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
  const FilePathListLength = bytes[4]! | (bytes[5]! << 8);
  let desc;
  try {
    desc = decodeUcs2z(bytes, 6);
  } catch {
    throw new WireError('EFI_LOAD_OPTION Description is not NUL-terminated', base + 6, 'EFI_LOAD_OPTION.Description');
  }
  const fpEnd = desc.next + FilePathListLength;
  const truncated = fpEnd > bytes.length;
  const FilePathList = bytes.subarray(desc.next, Math.min(fpEnd, bytes.length));
  const OptionalData = bytes.subarray(Math.min(fpEnd, bytes.length));
  return { Attributes, FilePathListLength, Description: desc.text, FilePathList, OptionalData, truncated };
}

export function encodeLoadOption(opt: { Attributes: number; Description: string; FilePathList: Uint8Array; OptionalData?: Uint8Array }): Uint8Array {
  const w = new ByteWriter(64);
  w.u32le(opt.Attributes).u16le(opt.FilePathList.length).bytes(encodeUcs2(opt.Description, true)).bytes(opt.FilePathList);
  if (opt.OptionalData) w.bytes(opt.OptionalData);
  return w.finish();
}
