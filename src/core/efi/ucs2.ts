/**
 * UCS-2 / UTF-16LE strings as UEFI stores them (UEFI 2.10 §2.3.1 "CHAR16": UCS-2, little-endian).
 * Variable names in UEFI_VARIABLE_DATA are counted (no NUL); load option descriptions and
 * device-path file names are NUL-terminated. Code units are kept as they are (unpaired
 * surrogates included), so decoding never throws on hostile input.
 */
import { WireError } from '../errors.js';

/** Decode `count` CHAR16 code units starting at `offset` (no terminator expected). */
export function decodeUcs2(bytes: Uint8Array, offset: number, count: number): string {
  if (!Number.isInteger(count) || count < 0 || offset < 0 || offset + count * 2 > bytes.length) {
    throw new WireError(`truncated: UCS-2 string of ${count} characters`, offset, 'CHAR16[]');
  }
  let s = '';
  for (let i = 0; i < count; i++) s += String.fromCharCode(bytes[offset + 2 * i]! | (bytes[offset + 2 * i + 1]! << 8));
  return s;
}

/**
 * Decode a NUL-terminated CHAR16 string within `bytes[offset..end)`. Returns the text and the
 * offset just past the terminator. Throws a WireError when no terminator is found before `end`.
 */
export function decodeUcs2z(bytes: Uint8Array, offset: number, end = bytes.length): { text: string; next: number } {
  let i = offset;
  while (i + 1 < end) {
    if (bytes[i] === 0 && bytes[i + 1] === 0) {
      return { text: decodeUcs2(bytes, offset, (i - offset) / 2), next: i + 2 };
    }
    i += 2;
  }
  throw new WireError('unterminated UCS-2 string', offset, 'CHAR16[]');
}

/** Encode a string as UTF-16LE code units, optionally NUL-terminated. */
export function encodeUcs2(text: string, nulTerminated = false): Uint8Array {
  const n = text.length + (nulTerminated ? 1 : 0);
  const out = new Uint8Array(n * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >>> 8;
  }
  return out;
}
