/**
 * UEFI_GPT_DATA (PFP §10.2.7 / TCG EFI Platform §7.4): the data of EV_EFI_GPT_EVENT in PCR 5 —
 * the GPT header (UEFI 2.10 §5.3.2, 92 bytes) then UINT64 NumberOfPartitions and the non-empty
 * partition entries (§5.3.3, SizeOfPartitionEntry bytes each, 128 in practice).
 */
import { ByteReader } from '../../core/bytes.js';
import { decodeUcs2, formatGuid, type EfiGuid } from '../../core/efi/index.js';

export interface UefiPartitionTableHeader {
  readonly Signature: string;
  readonly Revision: number;
  readonly HeaderSize: number;
  readonly HeaderCRC32: number;
  readonly MyLBA: bigint;
  readonly AlternateLBA: bigint;
  readonly FirstUsableLBA: bigint;
  readonly LastUsableLBA: bigint;
  readonly DiskGUID: EfiGuid;
  readonly PartitionEntryLBA: bigint;
  readonly NumberOfPartitionEntries: number;
  readonly SizeOfPartitionEntry: number;
  readonly PartitionEntryArrayCRC32: number;
}

export interface UefiPartitionEntry {
  readonly PartitionTypeGUID: EfiGuid;
  readonly UniquePartitionGUID: EfiGuid;
  readonly StartingLBA: bigint;
  readonly EndingLBA: bigint;
  readonly Attributes: bigint;
  /** UCS-2 name up to the first NUL. */
  readonly PartitionName: string;
}

export interface UefiGptData {
  readonly header: UefiPartitionTableHeader;
  readonly NumberOfPartitions: bigint;
  readonly partitions: readonly UefiPartitionEntry[];
}

export function parseGptData(data: Uint8Array, base = 0): UefiGptData {
  const r = new ByteReader(data, { base, path: ['UEFI_GPT_DATA'] });
  const header = r.within('UEFIPartitionHeader', () => {
    const Signature = String.fromCharCode(...r.bytesView(8, 'Signature'));
    const Revision = r.u32le();
    const HeaderSize = r.u32le();
    const HeaderCRC32 = r.u32le();
    r.skip(4, 'Reserved');
    return {
      Signature, Revision, HeaderSize, HeaderCRC32,
      MyLBA: r.u64le(), AlternateLBA: r.u64le(), FirstUsableLBA: r.u64le(), LastUsableLBA: r.u64le(),
      DiskGUID: formatGuid(r.bytesView(16, 'DiskGUID')), PartitionEntryLBA: r.u64le(),
      NumberOfPartitionEntries: r.u32le(), SizeOfPartitionEntry: r.u32le(), PartitionEntryArrayCRC32: r.u32le(),
    };
  });
  const countAt = r.offset;
  const NumberOfPartitions = r.u64le();
  const stride = header.SizeOfPartitionEntry;
  if (stride < 128) throw r.error(`SizeOfPartitionEntry ${stride} is smaller than 128`, countAt - 8);
  if (NumberOfPartitions * BigInt(stride) !== BigInt(r.remaining)) {
    throw r.error(`${NumberOfPartitions} partitions of ${stride} bytes do not fill the ${r.remaining} bytes left`, countAt);
  }
  const partitions: UefiPartitionEntry[] = [];
  for (let i = 0; i < Number(NumberOfPartitions); i++) {
    const e = r.sub(stride, `Partitions[${i}]`);
    const PartitionTypeGUID = formatGuid(e.bytesView(16));
    const UniquePartitionGUID = formatGuid(e.bytesView(16));
    const StartingLBA = e.u64le();
    const EndingLBA = e.u64le();
    const Attributes = e.u64le();
    const nameBytes = e.bytesView(72);
    let n = 0;
    while (n < 36 && (nameBytes[2 * n] !== 0 || nameBytes[2 * n + 1] !== 0)) n++;
    partitions.push({ PartitionTypeGUID, UniquePartitionGUID, StartingLBA, EndingLBA, Attributes, PartitionName: decodeUcs2(nameBytes, 0, n) });
  }
  return { header, NumberOfPartitions, partitions };
}
