/**
 * The edk2 authenticated variable store inside an OVMF_VARS firmware volume (edk2
 * MdeModulePkg/Include/Guid/VariableFormat.h and PI spec Vol. 3 §3.2.1 EFI_FIRMWARE_VOLUME_HEADER):
 *
 *   EFI_FIRMWARE_VOLUME_HEADER (ZeroVector[16], FileSystemGuid, FvLength u64, "_FVH", Attributes,
 *     HeaderLength u16, Checksum, ExtHeaderOffset, Reserved, Revision, BlockMap[])
 *   VARIABLE_STORE_HEADER { Signature GUID; Size u32; Format u8 (0x5A); State u8 (0xFE); u16; u32 }
 *   variables, each 4-byte aligned:
 *     AUTHENTICATED_VARIABLE_HEADER { StartId u16 (0x55AA); State u8; u8; Attributes u32;
 *       MonotonicCount u64; EFI_TIME TimeStamp; PubKeyIndex u32; NameSize u32; DataSize u32;
 *       VendorGuid } then Name (UCS-2, NUL-terminated) and Data
 *     (or VARIABLE_HEADER without the three authentication fields in a non-authenticated store).
 *
 * Only live variables are returned (State VAR_ADDED, or VAR_ADDED with VAR_IN_DELETED_TRANSITION
 * cleared as edk2's IsValidVariableHeader/GetNextVariable treat them); a later copy of the same
 * name replaces an earlier one.
 */
import { ByteReader } from '../../core/bytes.js';
import { decodeUcs2, formatGuid, type EfiGuid } from '../../core/efi/index.js';

export const EFI_SYSTEM_NV_DATA_FV_GUID: EfiGuid = 'fff12b8d-7696-4c8b-a985-2747075b4f50';
export const EFI_AUTHENTICATED_VARIABLE_GUID: EfiGuid = 'aaf32c78-947b-439a-a180-2e144ec37792';
export const EFI_VARIABLE_GUID: EfiGuid = 'ddcf3616-3275-4164-98b6-fe85707ffe7d';

const VAR_ADDED = 0x3f;
const VAR_IN_DELETED_TRANSITION = 0xfe;

export interface StoredVariable {
  readonly name: string;
  readonly vendorGuid: EfiGuid;
  readonly attributes: number;
  readonly data: Uint8Array;
  /** File offset of the variable header. */
  readonly offset: number;
}

/** Parse the variables of an OVMF_VARS image (or of a bare variable store). */
export function parseVariableStore(bytes: Uint8Array): StoredVariable[] {
  const r = new ByteReader(bytes, { path: ['OVMF_VARS'] });
  let storeStart = 0;
  if (bytes.length >= 56 && bytes[40] === 0x5f && bytes[41] === 0x46 && bytes[42] === 0x56 && bytes[43] === 0x48) {
    r.offset = 16;
    const fsGuid = formatGuid(r.bytesView(16));
    if (fsGuid !== EFI_SYSTEM_NV_DATA_FV_GUID) throw r.error(`firmware volume ${fsGuid} is not a variable store (EFI_SYSTEM_NV_DATA_FV_GUID)`, 16);
    r.offset = 48;
    storeStart = r.u16le();
  }
  r.offset = storeStart;
  const sig = r.within('VARIABLE_STORE_HEADER', () => formatGuid(r.bytesView(16, 'Signature')));
  const authenticated = sig === EFI_AUTHENTICATED_VARIABLE_GUID;
  if (!authenticated && sig !== EFI_VARIABLE_GUID) throw r.error(`unknown variable store signature ${sig}`, storeStart);
  const size = r.u32le();
  const format = r.u8();
  r.u8();
  if (format !== 0x5a) throw r.error(`variable store is not formatted (Format 0x${format.toString(16)})`, storeStart + 20);
  const end = Math.min(bytes.length, storeStart + size);
  r.offset = storeStart + 28;
  const byName = new Map<string, StoredVariable>();
  const headerSize = authenticated ? 60 : 32;
  while (r.offset + headerSize <= end) {
    const offset = r.offset;
    const v = new ByteReader(bytes, { offset, end, path: [`VARIABLE_HEADER@${offset}`] });
    if (v.u16le() !== 0x55aa) break; // end of the used area
    const state = v.u8();
    v.u8();
    const attributes = v.u32le();
    if (authenticated) v.skip(8 + 16 + 4, 'MonotonicCount/TimeStamp/PubKeyIndex');
    const nameSize = v.u32le();
    const dataSize = v.u32le();
    const vendorGuid = formatGuid(v.bytesView(16, 'VendorGuid'));
    if (nameSize % 2 !== 0 || nameSize < 2) throw v.error(`NameSize ${nameSize} is not a UCS-2 string`, offset + headerSize - 24);
    v.need(nameSize + dataSize, 'Name and Data');
    const name = decodeUcs2(bytes, v.offset, nameSize / 2 - 1);
    v.skip(nameSize);
    const data = v.bytesView(dataSize, 'Data');
    if (state === VAR_ADDED || state === (VAR_ADDED & VAR_IN_DELETED_TRANSITION)) {
      byName.set(`${vendorGuid}/${name}`, { name, vendorGuid, attributes, data, offset });
    }
    r.offset = (v.offset + 3) & ~3;
  }
  return [...byName.values()];
}

/** The data of variable `name` under `guid`, if present. */
export function findVariable(vars: readonly StoredVariable[], name: string, guid: EfiGuid): StoredVariable | undefined {
  return vars.find((v) => v.name === name && v.vendorGuid === guid);
}
