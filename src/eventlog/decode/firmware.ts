/**
 * Firmware measurement payloads (PFP §10.2.4–10.2.5):
 *   UEFI_PLATFORM_FIRMWARE_BLOB  { UEFI_PHYSICAL_ADDRESS BlobBase; UINT64 BlobLength; }
 *   UEFI_PLATFORM_FIRMWARE_BLOB2 { UINT8 BlobDescriptionSize; UINT8 BlobDescription[]; BlobBase; BlobLength; }
 *   UEFI_HANDOFF_TABLE_POINTERS  { UINT64 NumberOfTables; EFI_CONFIGURATION_TABLE TableEntry[]; }
 *   UEFI_HANDOFF_TABLE_POINTERS2 { UINT8 TableDescriptionSize; UINT8 TableDescription[]; UINT64 NumberOfTables; … }
 * with EFI_CONFIGURATION_TABLE { EFI_GUID VendorGuid; VOID *VendorTable; } (UEFI 2.10 §4.6).
 */
import { ByteReader } from '../../core/bytes.js';
import { formatGuid, type EfiGuid } from '../../core/efi/index.js';

export interface UefiPlatformFirmwareBlob {
  readonly BlobDescription?: string;
  readonly BlobBase: bigint;
  readonly BlobLength: bigint;
}

export function parseFirmwareBlob(data: Uint8Array, base = 0): UefiPlatformFirmwareBlob {
  const r = new ByteReader(data, { base, path: ['UEFI_PLATFORM_FIRMWARE_BLOB'] });
  const blob = { BlobBase: r.u64le(), BlobLength: r.u64le() };
  r.expectEnd('UEFI_PLATFORM_FIRMWARE_BLOB');
  return blob;
}

export function parseFirmwareBlob2(data: Uint8Array, base = 0): UefiPlatformFirmwareBlob {
  const r = new ByteReader(data, { base, path: ['UEFI_PLATFORM_FIRMWARE_BLOB2'] });
  const n = r.u8();
  const BlobDescription = new TextDecoder().decode(r.bytesView(n, 'BlobDescription'));
  const blob = { BlobDescription, BlobBase: r.u64le(), BlobLength: r.u64le() };
  r.expectEnd('UEFI_PLATFORM_FIRMWARE_BLOB2');
  return blob;
}

export interface UefiHandoffTables {
  readonly TableDescription?: string;
  readonly tables: readonly { readonly VendorGuid: EfiGuid; readonly VendorTable: bigint }[];
}

export function parseHandoffTables(data: Uint8Array, base = 0, v2 = false): UefiHandoffTables {
  const r = new ByteReader(data, { base, path: [v2 ? 'UEFI_HANDOFF_TABLE_POINTERS2' : 'UEFI_HANDOFF_TABLE_POINTERS'] });
  const TableDescription = v2 ? new TextDecoder().decode(r.bytesView(r.u8(), 'TableDescription')) : undefined;
  const countAt = r.offset;
  const count = r.u64le();
  if (count * 24n !== BigInt(r.remaining)) throw r.error(`${count} tables do not fill the ${r.remaining} bytes left`, countAt);
  const tables: { VendorGuid: EfiGuid; VendorTable: bigint }[] = [];
  for (let i = 0; i < Number(count); i++) tables.push({ VendorGuid: formatGuid(r.bytesView(16)), VendorTable: r.u64le() });
  return TableDescription === undefined ? { tables } : { TableDescription, tables };
}
