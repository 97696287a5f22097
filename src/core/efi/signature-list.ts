/**
 * EFI_SIGNATURE_LIST and EFI_SIGNATURE_DATA (UEFI 2.10 §32.4.1 "Signature Database"): the
 * format of PK, KEK, db, dbx, MokList and friends, and of the data in EV_EFI_VARIABLE_DRIVER_CONFIG
 * and EV_EFI_VARIABLE_AUTHORITY events.
 *
 *   EFI_SIGNATURE_LIST { EFI_GUID SignatureType; UINT32 SignatureListSize;
 *                        UINT32 SignatureHeaderSize; UINT32 SignatureSize;
 *                        UINT8 SignatureHeader[SignatureHeaderSize];
 *                        EFI_SIGNATURE_DATA Signatures[...][SignatureSize]; }
 *   EFI_SIGNATURE_DATA { EFI_GUID SignatureOwner; UINT8 SignatureData[SignatureSize - 16]; }
 *
 * A variable holds zero or more lists back to back. Parsing is strict (every size must add up,
 * trailing bytes are an error) and allocation-free: `data` and `header` are views into the input.
 */
import { ByteReader, ByteWriter } from '../bytes.js';
import { WireError } from '../errors.js';
import { encodeGuid, formatGuid, type EfiGuid } from './guid.js';

export interface EfiSignatureData {
  readonly SignatureOwner: EfiGuid;
  /** The certificate (DER) or hash bytes; a view into the parsed input. */
  readonly SignatureData: Uint8Array;
}

export interface EfiSignatureList {
  readonly SignatureType: EfiGuid;
  readonly SignatureListSize: number;
  readonly SignatureHeaderSize: number;
  readonly SignatureSize: number;
  readonly SignatureHeader: Uint8Array;
  readonly Signatures: readonly EfiSignatureData[];
  /** Absolute offset of the list in the input (for error messages and tooling). */
  readonly offset: number;
}

/** 16-byte GUID + three UINT32. */
export const EFI_SIGNATURE_LIST_HEADER_SIZE = 28;

/**
 * Parse a concatenation of EFI_SIGNATURE_LISTs (a whole variable's data). `base` is the absolute
 * offset of `bytes[0]` in the enclosing input, so error offsets point into the original buffer.
 */
export function parseSignatureLists(bytes: Uint8Array, base = 0): EfiSignatureList[] {
  const r = new ByteReader(bytes, { base, path: ['EFI_SIGNATURE_LIST[]'] });
  const lists: EfiSignatureList[] = [];
  while (!r.atEnd) lists.push(r.within(`[${lists.length}]`, () => readList(r)));
  return lists;
}

function readList(r: ByteReader): EfiSignatureList {
  const start = r.offset;
  r.need(EFI_SIGNATURE_LIST_HEADER_SIZE, 'EFI_SIGNATURE_LIST header');
  const SignatureType = formatGuid(r.bytesView(16, 'SignatureType'));
  const SignatureListSize = r.u32le();
  const SignatureHeaderSize = r.u32le();
  const SignatureSize = r.u32le();
  if (SignatureListSize < EFI_SIGNATURE_LIST_HEADER_SIZE) {
    throw r.error(`SignatureListSize ${SignatureListSize} smaller than the list header`, start + 16);
  }
  if (SignatureListSize - EFI_SIGNATURE_LIST_HEADER_SIZE > r.remaining) {
    throw r.error(`truncated: SignatureListSize ${SignatureListSize} exceeds the ${r.remaining + EFI_SIGNATURE_LIST_HEADER_SIZE} bytes left`, start + 16);
  }
  const body = SignatureListSize - EFI_SIGNATURE_LIST_HEADER_SIZE;
  if (SignatureHeaderSize > body) throw r.error(`SignatureHeaderSize ${SignatureHeaderSize} exceeds the list`, start + 20);
  const SignatureHeader = r.bytesView(SignatureHeaderSize, 'SignatureHeader');
  const sigBytes = body - SignatureHeaderSize;
  if (sigBytes > 0 && SignatureSize < 16) throw r.error(`SignatureSize ${SignatureSize} smaller than an EFI_GUID`, start + 24);
  if (sigBytes > 0 && sigBytes % SignatureSize !== 0) {
    throw r.error(`signature area of ${sigBytes} bytes is not a multiple of SignatureSize ${SignatureSize}`, start + 24);
  }
  const count = sigBytes === 0 ? 0 : sigBytes / SignatureSize;
  const Signatures: EfiSignatureData[] = [];
  for (let i = 0; i < count; i++) {
    const SignatureOwner = formatGuid(r.bytesView(16, 'SignatureOwner'));
    Signatures.push({ SignatureOwner, SignatureData: r.bytesView(SignatureSize - 16, 'SignatureData') });
  }
  return { SignatureType, SignatureListSize, SignatureHeaderSize, SignatureSize, SignatureHeader, Signatures, offset: r.base + start };
}

/** Parse one EFI_SIGNATURE_DATA occupying all of `bytes` (the data of an EV_EFI_VARIABLE_AUTHORITY event). */
export function parseSignatureData(bytes: Uint8Array, base = 0): EfiSignatureData {
  if (bytes.length < 16) throw new WireError(`truncated: EFI_SIGNATURE_DATA needs at least 16 bytes, got ${bytes.length}`, base, 'EFI_SIGNATURE_DATA');
  return { SignatureOwner: formatGuid(bytes, 0), SignatureData: bytes.subarray(16) };
}

export interface SignatureListInput {
  readonly SignatureType: EfiGuid;
  readonly SignatureHeader?: Uint8Array;
  /** All entries must have the same data length (one list has one SignatureSize). */
  readonly Signatures: readonly { readonly SignatureOwner: EfiGuid; readonly SignatureData: Uint8Array }[];
}

/** Encode one EFI_SIGNATURE_LIST. Throws RangeError when the entries differ in length. */
export function encodeSignatureList(list: SignatureListInput): Uint8Array {
  const header = list.SignatureHeader ?? new Uint8Array(0);
  const first = list.Signatures[0];
  const dataLen = first ? first.SignatureData.length : 0;
  for (const s of list.Signatures) {
    if (s.SignatureData.length !== dataLen) throw new RangeError('all EFI_SIGNATURE_DATA of one list must have the same size');
  }
  const SignatureSize = first ? 16 + dataLen : 0;
  const total = EFI_SIGNATURE_LIST_HEADER_SIZE + header.length + SignatureSize * list.Signatures.length;
  const w = new ByteWriter(total);
  w.bytes(encodeGuid(list.SignatureType)).u32le(total).u32le(header.length).u32le(SignatureSize).bytes(header);
  for (const s of list.Signatures) w.bytes(encodeGuid(s.SignatureOwner)).bytes(s.SignatureData);
  return w.finish();
}

/** Encode several lists back to back (a whole variable's data). */
export function encodeSignatureLists(lists: readonly SignatureListInput[]): Uint8Array {
  const parts = lists.map(encodeSignatureList);
  const w = new ByteWriter(parts.reduce((n, p) => n + p.length, 0) || 1);
  for (const p of parts) w.bytes(p);
  return w.finish();
}

/** Encode one EFI_SIGNATURE_DATA (owner GUID followed by the data). */
export function encodeSignatureData(sig: { readonly SignatureOwner: EfiGuid; readonly SignatureData: Uint8Array }): Uint8Array {
  const out = new Uint8Array(16 + sig.SignatureData.length);
  out.set(encodeGuid(sig.SignatureOwner), 0);
  out.set(sig.SignatureData, 16);
  return out;
}

/** Every entry of every list, flattened with its list's type. */
export function signatureEntries(lists: readonly EfiSignatureList[]): { SignatureType: EfiGuid; SignatureOwner: EfiGuid; SignatureData: Uint8Array }[] {
  return lists.flatMap((l) => l.Signatures.map((s) => ({ SignatureType: l.SignatureType, SignatureOwner: s.SignatureOwner, SignatureData: s.SignatureData })));
}
