/**
 * The Authenticode PE image hash ("Windows Authenticode Portable Executable Signature Format"
 * §"Calculating the PE Image Hash"), computed exactly as edk2's DxeImageVerificationLib
 * HashPeImage and shim's generate_hash do:
 *
 *  1. headers up to SizeOfHeaders, skipping the CheckSum (4 bytes) and the Certificate Table
 *     directory entry (8 bytes, only when NumberOfRvaAndSizes > 4);
 *  2. each section with SizeOfRawData > 0, in order of PointerToRawData, SizeOfRawData bytes
 *     (not VirtualSize — reference/secureboot.md G4);
 *  3. everything after that up to (file size − certificate table size): trailing data such as
 *     the COFF symbol table and the alignment padding that signing tools insert before the
 *     certificate table (G1, G2).
 *
 * The image is hashed as given: an unsigned file that is not 8-byte aligned hashes differently
 * from its signed copy, exactly as `pesign -h` and the firmware's dbx lookup see it.
 */
import { createHash, type Hash } from 'node:crypto';
import type { PeFile } from './pe-file.js';

export type AuthenticodeHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** The byte ranges the digest covers, in hashing order (for tests, tampering and tooling). */
export function authenticodeRanges(pe: PeFile): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  const sec = pe.securityDirectoryOffset;
  out.push([0, pe.checkSumOffset]);
  if (sec !== undefined && sec < pe.sizeOfHeaders) {
    out.push([pe.checkSumOffset + 4, sec]);
    out.push([sec + 8, pe.sizeOfHeaders]);
  } else {
    out.push([pe.checkSumOffset + 4, pe.sizeOfHeaders]);
  }
  let sum = pe.sizeOfHeaders;
  const sections = pe.sections.filter((s) => s.sizeOfRawData > 0).sort((a, b) => a.pointerToRawData - b.pointerToRawData);
  for (const s of sections) {
    out.push([s.pointerToRawData, s.pointerToRawData + s.sizeOfRawData]);
    sum += s.sizeOfRawData;
  }
  const certSize = pe.certificateTable?.size ?? 0;
  const fileEnd = pe.bytes.length;
  if (fileEnd > sum + certSize) out.push([sum, fileEnd - certSize]);
  return out.filter(([a, b]) => b > a);
}

/** Feed the Authenticode-covered bytes of `pe` into `h`. */
export function updateAuthenticode(pe: PeFile, h: Hash): Hash {
  const b = pe.bytes;
  for (const [a, e] of authenticodeRanges(pe)) h.update(b.subarray(a, e));
  return h;
}

/** The Authenticode digest of `pe` with `alg`. */
export function authenticodeDigest(pe: PeFile, alg: AuthenticodeHash = 'sha256'): Uint8Array {
  return new Uint8Array(updateAuthenticode(pe, createHash(alg)).digest());
}
