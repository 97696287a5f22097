/**
 * A minimal PE32+ EFI image builder (PE Format §3–§5), so the platform can make its own
 * "shim", "grub" and "kernel" node images that sbverify and `pesign -h` accept and that our
 * verifier treats exactly like real ones:
 *
 *   MS-DOS header (e_lfanew 0x40) | "PE\0\0" + COFF header | PE32+ optional header (240 bytes,
 *   16 data directories) | section table | sections (FileAlignment 0x200, SectionAlignment
 *   0x1000) | COFF string table (for names over 8 bytes: ".vendor_cert" becomes "/4", as in
 *   Debian's shim).
 *
 * `.text` holds `xor eax,eax; ret` (the entry point returns EFI_SUCCESS). The images are data
 * for verification and measurement; nothing here is meant to execute.
 */
import { ByteWriter, utf8 } from '../../core/bytes.js';
import { encodeSignatureLists, type SignatureListInput } from '../../core/efi/index.js';
import { IMAGE_FILE_MACHINE, IMAGE_SUBSYSTEM, PE32_MAGIC, PE32PLUS_MAGIC } from '../pe/pe-file.js';
import { formatSbatCsv, type SbatEntry, type SbatLevel, encodeSbatLevel } from '../shim/sbat.js';

export const IMAGE_SCN = {
  CNT_CODE: 0x20,
  CNT_INITIALIZED_DATA: 0x40,
  MEM_EXECUTE: 0x20000000,
  MEM_READ: 0x40000000,
  MEM_WRITE: 0x80000000,
} as const;

export interface SectionInput {
  readonly name: string;
  readonly data: Uint8Array;
  readonly characteristics?: number;
  /** VirtualSize, when larger than the data (zero-filled in memory). */
  readonly virtualSize?: number;
}

export interface PeImageInput {
  readonly sections: readonly SectionInput[];
  readonly subsystem?: number;
  readonly machine?: number;
  readonly timeDateStamp?: number;
  /** Bytes appended after the last section (hashed as trailing data, like a symbol table). */
  readonly trailing?: Uint8Array;
  /** Build PE32 (IA-32, 224-byte optional header with BaseOfData) instead of PE32+. */
  readonly pe32?: boolean;
}

const FILE_ALIGN = 0x200;
const SECT_ALIGN = 0x1000;
const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;
const READ_DATA = IMAGE_SCN.CNT_INITIALIZED_DATA | IMAGE_SCN.MEM_READ;

/** `.text` that returns EFI_SUCCESS: xor eax, eax; ret. */
export const EFI_SUCCESS_CODE = Uint8Array.of(0x31, 0xc0, 0xc3);

export function buildPeImage(input: PeImageInput): Uint8Array {
  const sections = input.sections.length ? input.sections : [{ name: '.text', data: EFI_SUCCESS_CODE }];
  if (sections.length > 96) throw new RangeError('at most 96 sections');
  const n = sections.length;
  const pe32 = input.pe32 === true;
  const optSize = pe32 ? 224 : 240;
  const headersEnd = 0x40 + 24 + optSize + 40 * n;
  const sizeOfHeaders = alignUp(headersEnd, FILE_ALIGN);

  // String table for long names.
  const strings = new ByteWriter(64).u32le(0);
  const nameField: Uint8Array[] = sections.map((s) => {
    const raw = utf8(s.name);
    const field = new Uint8Array(8);
    if (raw.length <= 8) field.set(raw);
    else {
      field.set(utf8(`/${strings.length}`));
      strings.bytes(raw).u8(0);
    }
    return field;
  });
  const hasStrings = strings.length > 4;

  let fileOff = sizeOfHeaders;
  let va = SECT_ALIGN;
  const layout = sections.map((s) => {
    const raw = alignUp(s.data.length, FILE_ALIGN);
    const vsize = Math.max(s.virtualSize ?? s.data.length, s.data.length);
    const l = { ptr: raw ? fileOff : 0, raw, va, vsize };
    fileOff += raw;
    va += alignUp(Math.max(vsize, 1), SECT_ALIGN);
    return l;
  });
  const sizeOfImage = va;
  const text = sections.findIndex((s) => s.name === '.text');
  const entry = text >= 0 ? layout[text]!.va : 0;
  const chars = (s: SectionInput) => s.characteristics ?? (s.name === '.text' ? IMAGE_SCN.CNT_CODE | IMAGE_SCN.MEM_EXECUTE | IMAGE_SCN.MEM_READ : s.name === '.data' ? READ_DATA | IMAGE_SCN.MEM_WRITE : READ_DATA);
  const sum = (f: (s: SectionInput) => boolean) => layout.reduce((a, l, i) => (f(sections[i]!) ? a + l.raw : a), 0);
  const trailing = input.trailing ?? new Uint8Array(0);
  const symtab = hasStrings ? fileOff + trailing.length : 0;

  const w = new ByteWriter(fileOff + trailing.length + strings.length + 16);
  // MS-DOS header: "MZ", e_lfanew at 0x3C.
  w.u16le(0x5a4d).zeros(0x3c - 2).u32le(0x40);
  // PE signature and COFF file header (PE Format §3.3).
  w.u32le(0x00004550)
    .u16le(input.machine ?? (pe32 ? IMAGE_FILE_MACHINE.I386 : IMAGE_FILE_MACHINE.AMD64))
    .u16le(n)
    .u32le(input.timeDateStamp ?? 0)
    .u32le(symtab)
    .u32le(0)
    .u16le(optSize)
    .u16le(pe32 ? 0x0306 : 0x0206); // EXECUTABLE_IMAGE | LINE_NUMS_STRIPPED | DEBUG_STRIPPED (| 32BIT_MACHINE)
  // PE32+ / PE32 optional header (§3.4): PE32 adds BaseOfData and has 32-bit ImageBase and stack/heap sizes.
  w.u16le(pe32 ? PE32_MAGIC : PE32PLUS_MAGIC).u8(2).u8(0)
    .u32le(sum((s) => (chars(s) & IMAGE_SCN.CNT_CODE) !== 0))
    .u32le(sum((s) => (chars(s) & IMAGE_SCN.CNT_CODE) === 0))
    .u32le(0)
    .u32le(entry)
    .u32le(text >= 0 ? layout[text]!.va : 0);
  if (pe32) w.u32le(0).u32le(0); // BaseOfData, ImageBase
  else w.u64le(0n);
  w.u32le(SECT_ALIGN).u32le(FILE_ALIGN)
    .u16le(0).u16le(0).u16le(0).u16le(0).u16le(0).u16le(0)
    .u32le(0)
    .u32le(sizeOfImage)
    .u32le(sizeOfHeaders)
    .u32le(0) // CheckSum (the signer fills it in)
    .u16le(input.subsystem ?? IMAGE_SUBSYSTEM.EFI_APPLICATION)
    .u16le(0);
  if (pe32) w.u32le(0).u32le(0).u32le(0).u32le(0);
  else w.u64le(0n).u64le(0n).u64le(0n).u64le(0n);
  w.u32le(0)
    .u32le(16)
    .zeros(16 * 8);
  // Section table (§4).
  sections.forEach((s, i) => {
    const l = layout[i]!;
    w.bytes(nameField[i]!).u32le(l.vsize).u32le(l.va).u32le(l.raw).u32le(l.ptr).u32le(0).u32le(0).u16le(0).u16le(0).u32le(chars(s));
  });
  w.zeros(sizeOfHeaders - w.length);
  sections.forEach((s, i) => w.bytes(s.data).zeros(layout[i]!.raw - s.data.length));
  w.bytes(trailing);
  if (hasStrings) {
    const st = strings.finish();
    new DataView(st.buffer).setUint32(0, st.length, true);
    w.bytes(st);
  }
  return w.finish();
}

/** The `.sbat` section content: CSV, NUL-terminated. */
export function sbatSection(entries: readonly SbatEntry[]): Uint8Array {
  const csv = utf8(formatSbatCsv(entries));
  const out = new Uint8Array(csv.length + 1);
  out.set(csv);
  return out;
}

/** shim's `.vendor_cert` section: header, authorized DER certificate (or ESL), deauthorized ESL. */
export function vendorCertSection(authorized: Uint8Array, deauthorized: readonly SignatureListInput[] = []): Uint8Array {
  const deauth = deauthorized.length ? encodeSignatureLists(deauthorized) : new Uint8Array(0);
  return new ByteWriter(16 + authorized.length + deauth.length)
    .u32le(authorized.length).u32le(deauth.length).u32le(16).u32le(16 + authorized.length)
    .bytes(authorized).bytes(deauth).finish();
}

/** shim's `.sbatlevel` section: version 0, offsets of the previous and latest levels from byte 4. */
export function sbatLevelSection(previous: SbatLevel, latest: SbatLevel): Uint8Array {
  const p = encodeSbatLevel(previous);
  const l = encodeSbatLevel(latest);
  return new ByteWriter(12 + p.length + l.length + 2).u32le(0).u32le(8).u32le(8 + p.length + 1).bytes(p).u8(0).bytes(l).u8(0).finish();
}

export interface NodeImageInput {
  /** Payload placed in `.data` (e.g. a kernel command line or a marker). */
  readonly payload?: Uint8Array;
  readonly sbat?: readonly SbatEntry[];
}

/** A shim-like first stage: `.text`, `.data`, `.sbat`, `.sbatlevel` and `.vendor_cert` with the embedded vendor certificate. */
export function buildShimLikeImage(o: NodeImageInput & { vendorCert: Uint8Array; vendorDbx?: readonly SignatureListInput[]; sbatLevels?: { previous: SbatLevel; latest: SbatLevel } }): Uint8Array {
  return buildPeImage({
    sections: [
      { name: '.text', data: EFI_SUCCESS_CODE },
      { name: '.data', data: o.payload ?? utf8('shim') },
      ...(o.sbat ? [{ name: '.sbat', data: sbatSection(o.sbat) }] : []),
      ...(o.sbatLevels ? [{ name: '.sbatlevel', data: sbatLevelSection(o.sbatLevels.previous, o.sbatLevels.latest) }] : []),
      { name: '.vendor_cert', data: vendorCertSection(o.vendorCert, o.vendorDbx) },
    ],
  });
}

/** A second stage or kernel: `.text`, `.data` (payload) and, when given, `.sbat`. */
export function buildNodeImage(o: NodeImageInput): Uint8Array {
  return buildPeImage({
    sections: [{ name: '.text', data: EFI_SUCCESS_CODE }, { name: '.data', data: o.payload ?? new Uint8Array(16) }, ...(o.sbat ? [{ name: '.sbat', data: sbatSection(o.sbat) }] : [])],
  });
}
