/**
 * PE/COFF image parser (Microsoft PE Format specification: §2 MS-DOS stub, §3 COFF file header,
 * §3.4 optional header, §4 section table, §5.6 COFF string table).
 *
 * Only what Authenticode, Secure Boot and SBAT need is decoded, but it is decoded for any image:
 * PE32 and PE32+, any SizeOfOptionalHeader and any NumberOfRvaAndSizes (the Debian bzImage has
 * 6 data directories and a 160-byte optional header — reference/secureboot.md G3), and section
 * names longer than 8 bytes resolved through the COFF string table ("/4" → ".vendor_cert", G9).
 * Every offset read from the file is checked against the file size before use.
 */
import { ByteReader } from '../../core/bytes.js';
import { WireError } from '../../core/errors.js';

export const IMAGE_FILE_MACHINE = { I386: 0x014c, AMD64: 0x8664, ARM64: 0xaa64, ARMNT: 0x01c4, RISCV64: 0x5064 } as const;
export const PE32_MAGIC = 0x10b;
export const PE32PLUS_MAGIC = 0x20b;
/** Index of the Certificate Table ("Security") data directory (PE Format §3.4.3). */
export const IMAGE_DIRECTORY_ENTRY_SECURITY = 4;
export const IMAGE_SUBSYSTEM = { EFI_APPLICATION: 10, EFI_BOOT_SERVICE_DRIVER: 11, EFI_RUNTIME_DRIVER: 12 } as const;

export interface PeSection {
  /** The resolved name (long names looked up in the string table). */
  readonly name: string;
  readonly virtualSize: number;
  readonly virtualAddress: number;
  readonly sizeOfRawData: number;
  readonly pointerToRawData: number;
  readonly characteristics: number;
  /** File offset of this 40-byte section header. */
  readonly headerOffset: number;
}

export interface DataDirectory {
  readonly virtualAddress: number;
  readonly size: number;
}

export interface PeFile {
  readonly bytes: Uint8Array;
  /** e_lfanew: offset of the "PE\0\0" signature. */
  readonly peOffset: number;
  readonly machine: number;
  readonly timeDateStamp: number;
  readonly pointerToSymbolTable: number;
  readonly numberOfSymbols: number;
  readonly sizeOfOptionalHeader: number;
  readonly characteristics: number;
  readonly optionalHeaderOffset: number;
  readonly magic: typeof PE32_MAGIC | typeof PE32PLUS_MAGIC;
  readonly addressOfEntryPoint: number;
  readonly sizeOfImage: number;
  readonly sizeOfHeaders: number;
  readonly subsystem: number;
  /** File offset of the 4-byte CheckSum field (excluded from the Authenticode digest). */
  readonly checkSumOffset: number;
  readonly checkSum: number;
  readonly numberOfRvaAndSizes: number;
  readonly dataDirectories: readonly DataDirectory[];
  /** File offset of the 8-byte Certificate Table directory entry, when the image has one. */
  readonly securityDirectoryOffset: number | undefined;
  /** The certificate table as a file range (its VirtualAddress is a file offset); absent or empty when unsigned. */
  readonly certificateTable: { readonly offset: number; readonly size: number } | undefined;
  readonly sections: readonly PeSection[];
}

const MAX_SECTIONS = 96; // PE Format §3.3: the Windows loader limits NumberOfSections to 96.

/** Parse a PE/COFF image. Throws WireError (with the offset) for anything that does not decode. */
export function parsePeFile(bytes: Uint8Array): PeFile {
  const r = new ByteReader(bytes, { path: ['PE'] });
  if (bytes.length < 0x40) throw r.error(`file of ${bytes.length} bytes is too small for an MS-DOS header`, 0);
  if (bytes[0] !== 0x4d || bytes[1] !== 0x5a) throw r.error('no MZ signature (not a PE/COFF image)', 0);
  r.offset = 0x3c;
  const peOffset = r.u32le();
  if (peOffset > bytes.length - 24) throw r.error(`e_lfanew 0x${peOffset.toString(16)} points outside the file`, 0x3c);
  r.offset = peOffset;
  if (r.u32le() !== 0x00004550) throw r.error('no "PE\\0\\0" signature at e_lfanew', peOffset);
  const coff = r.within('IMAGE_FILE_HEADER', () => ({
    machine: r.u16le(),
    numberOfSections: r.u16le(),
    timeDateStamp: r.u32le(),
    pointerToSymbolTable: r.u32le(),
    numberOfSymbols: r.u32le(),
    sizeOfOptionalHeader: r.u16le(),
    characteristics: r.u16le(),
  }));
  if (coff.numberOfSections > MAX_SECTIONS) throw r.error(`NumberOfSections ${coff.numberOfSections} exceeds ${MAX_SECTIONS}`, peOffset + 6);
  const opt = r.offset;
  if (coff.sizeOfOptionalHeader < 2) throw r.error('no optional header (an object file, not an image)', peOffset + 20);
  const o = r.sub(Math.min(coff.sizeOfOptionalHeader, r.remaining), 'IMAGE_OPTIONAL_HEADER');
  if (o.end - opt < coff.sizeOfOptionalHeader) throw o.error(`truncated: optional header needs ${coff.sizeOfOptionalHeader} bytes`, opt);
  const magic = o.u16le();
  if (magic !== PE32_MAGIC && magic !== PE32PLUS_MAGIC) throw o.error(`unknown optional header magic 0x${magic.toString(16)}`, opt);
  const is64 = magic === PE32PLUS_MAGIC;
  // PE Format §3.4.1–3.4.2: fixed fields; the data directories start at 96 (PE32) or 112 (PE32+).
  const fixed = is64 ? 112 : 96;
  if (coff.sizeOfOptionalHeader < fixed) throw o.error(`SizeOfOptionalHeader ${coff.sizeOfOptionalHeader} is smaller than the ${fixed}-byte fixed part`, peOffset + 20);
  o.offset = opt + 16;
  const addressOfEntryPoint = o.u32le();
  o.offset = opt + 56;
  const sizeOfImage = o.u32le();
  const sizeOfHeaders = o.u32le();
  const checkSumOffset = o.offset;
  const checkSum = o.u32le();
  const subsystem = o.u16le();
  o.offset = opt + fixed - 4;
  const numberOfRvaAndSizes = o.u32le();
  const maxDirs = (coff.sizeOfOptionalHeader - fixed) / 8;
  if (numberOfRvaAndSizes > maxDirs) {
    throw o.error(`NumberOfRvaAndSizes ${numberOfRvaAndSizes} does not fit in SizeOfOptionalHeader ${coff.sizeOfOptionalHeader}`, opt + fixed - 4);
  }
  const dataDirectories: DataDirectory[] = [];
  for (let i = 0; i < numberOfRvaAndSizes; i++) dataDirectories.push({ virtualAddress: o.u32le(), size: o.u32le() });
  const securityDirectoryOffset = numberOfRvaAndSizes > IMAGE_DIRECTORY_ENTRY_SECURITY ? opt + fixed + 8 * IMAGE_DIRECTORY_ENTRY_SECURITY : undefined;

  if (sizeOfHeaders > bytes.length) throw r.error(`SizeOfHeaders 0x${sizeOfHeaders.toString(16)} exceeds the file size`, checkSumOffset - 4);
  const sectionTable = opt + coff.sizeOfOptionalHeader;
  if (sectionTable + 40 * coff.numberOfSections > bytes.length) throw r.error('truncated: section table', sectionTable);
  if (securityDirectoryOffset !== undefined && securityDirectoryOffset + 8 > sizeOfHeaders) {
    throw r.error('Certificate Table directory lies beyond SizeOfHeaders', securityDirectoryOffset);
  }
  const sec = dataDirectories[IMAGE_DIRECTORY_ENTRY_SECURITY];
  let certificateTable: PeFile['certificateTable'];
  if (sec && (sec.virtualAddress !== 0 || sec.size !== 0)) {
    if (sec.virtualAddress > bytes.length || sec.size > bytes.length - sec.virtualAddress) {
      throw r.error(`certificate table 0x${sec.virtualAddress.toString(16)}+0x${sec.size.toString(16)} lies outside the file`, securityDirectoryOffset);
    }
    certificateTable = { offset: sec.virtualAddress, size: sec.size };
  }

  const strings = stringTable(bytes, coff.pointerToSymbolTable, coff.numberOfSymbols);
  const sections: PeSection[] = [];
  r.offset = sectionTable;
  for (let i = 0; i < coff.numberOfSections; i++) {
    const headerOffset = r.offset;
    const s = r.within(`IMAGE_SECTION_HEADER[${i}]`, () => {
      const rawName = r.bytesView(8, 'Name');
      const virtualSize = r.u32le();
      const virtualAddress = r.u32le();
      const sizeOfRawData = r.u32le();
      const pointerToRawData = r.u32le();
      r.skip(12, 'relocations/line numbers');
      const characteristics = r.u32le();
      if (sizeOfRawData > 0 && (pointerToRawData > bytes.length || sizeOfRawData > bytes.length - pointerToRawData)) {
        throw r.error(`section data 0x${pointerToRawData.toString(16)}+0x${sizeOfRawData.toString(16)} lies outside the file`, headerOffset + 16);
      }
      return { name: sectionName(rawName, bytes, strings, headerOffset), virtualSize, virtualAddress, sizeOfRawData, pointerToRawData, characteristics, headerOffset };
    });
    sections.push(s);
  }
  return {
    bytes,
    peOffset,
    ...coff,
    optionalHeaderOffset: opt,
    magic,
    addressOfEntryPoint,
    sizeOfImage,
    sizeOfHeaders,
    subsystem,
    checkSumOffset,
    checkSum,
    numberOfRvaAndSizes,
    dataDirectories,
    securityDirectoryOffset,
    certificateTable,
    sections,
  };
}

const latin1 = new TextDecoder('latin1');

/** The COFF string table (PE Format §5.6): right after the symbol table, a u32 size then NUL-terminated names. */
function stringTable(bytes: Uint8Array, pointer: number, symbols: number): { start: number; end: number } | undefined {
  if (pointer === 0) return undefined;
  const start = pointer + 18 * symbols;
  if (!Number.isSafeInteger(start) || start + 4 > bytes.length) return undefined;
  const size = new DataView(bytes.buffer, bytes.byteOffset + start, 4).getUint32(0, true);
  return { start, end: Math.min(bytes.length, start + Math.max(size, 4)) };
}

function sectionName(raw: Uint8Array, file: Uint8Array, strings: { start: number; end: number } | undefined, at: number): string {
  const nul = raw.indexOf(0);
  const short = latin1.decode(nul < 0 ? raw : raw.subarray(0, nul));
  const m = /^\/(\d{1,7})$/.exec(short);
  if (!m) return short;
  // "/N": the name is at offset N of the string table (images use this for names over 8 bytes).
  const what = 'PE.IMAGE_SECTION_HEADER.Name';
  if (!strings) throw new WireError(`long section name ${short} but the image has no COFF string table`, at, what);
  const p = strings.start + Number(m[1]);
  if (p >= strings.end) throw new WireError(`section name offset ${short} lies outside the string table`, at, what);
  let e = p;
  while (e < strings.end && e - p < 256 && file[e] !== 0) e++;
  return latin1.decode(file.subarray(p, e));
}
