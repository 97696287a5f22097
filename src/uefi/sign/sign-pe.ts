/**
 * Authenticode-sign a PE/COFF image, as sbsign does:
 *  1. if the image is unsigned, zero-pad it to a multiple of 8 bytes (the certificate table
 *     must be 8-byte aligned; the padding is hashed — reference/secureboot.md G2);
 *  2. hash it (Authenticode digest) and wrap the digest in SpcIndirectDataContent;
 *  3. sign with signed attributes contentType, messageDigest and an empty SpcSpOpusInfo;
 *  4. append a WIN_CERTIFICATE (revision 2.0, WIN_CERT_TYPE_PKCS_SIGNED_DATA) padded to 8 bytes,
 *     point the Certificate Table directory at it, and refresh the PE checksum.
 * With `append`, an image that is already signed gets a further entry (as shim's second,
 * UEFI CA 2023, signature was added); the digest is unchanged because the table is excluded.
 */
import type { KeyObject } from 'node:crypto';
import { der, parseCertificate, type Certificate } from '../../core/asn1/index.js';
import { ByteWriter } from '../../core/bytes.js';
import { authenticodeDigest, type AuthenticodeHash } from '../pe/authenticode-digest.js';
import { IMAGE_DIRECTORY_ENTRY_SECURITY, parsePeFile, type PeFile } from '../pe/pe-file.js';
import { align8, WIN_CERT_REVISION_2_0, WIN_CERT_TYPE_PKCS_SIGNED_DATA } from '../pe/win-certificate.js';
import { attribute, signData } from '../pkcs7/build.js';
import { OID_SPC } from '../pkcs7/oids.js';
import { encodeSpcIndirectDataContent } from '../authenticode/spc.js';

export interface PeSigner {
  readonly key: KeyObject;
  /** The signing certificate (DER or parsed). */
  readonly cert: Uint8Array | Certificate;
  /** Intermediate certificates to include in the bag (DER). */
  readonly chain?: readonly Uint8Array[];
  readonly hash?: AuthenticodeHash;
}

/** PE checksum (as imagehlp CheckSumMappedFile): 16-bit one's-complement-style sum with carry folding, plus the file length. */
export function peChecksum(bytes: Uint8Array, checkSumOffset: number): number {
  let sum = 0;
  const n = bytes.length & ~1;
  for (let i = 0; i < n; i += 2) {
    if (i === checkSumOffset || i === checkSumOffset + 2) continue;
    sum += bytes[i]! | (bytes[i + 1]! << 8);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  if (bytes.length & 1) {
    sum += bytes[bytes.length - 1]!;
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  sum = (sum & 0xffff) + (sum >>> 16);
  return (sum + bytes.length) >>> 0;
}

/** The Authenticode PKCS#7 (ContentInfo DER) for an image digest. */
export function authenticodeSignedData(digest: Uint8Array, signer: PeSigner): Uint8Array {
  const cert = signer.cert instanceof Uint8Array ? parseCertificate(signer.cert) : signer.cert;
  const hash = signer.hash ?? 'sha256';
  const idc = encodeSpcIndirectDataContent(hash, digest);
  const idcContent = idc.subarray(headerLength(idc));
  return signData({
    key: signer.key,
    cert,
    hash,
    eContentType: OID_SPC.SPC_INDIRECT_DATA_OBJID,
    eContent: idc,
    signedContent: idcContent,
    signedAttributes: [attribute(OID_SPC.SPC_SP_OPUS_INFO_OBJID, der.seq())],
    certificates: [cert.der, ...(signer.chain ?? [])],
  });
}

function headerLength(t: Uint8Array): number {
  const l = t[1]!;
  return l < 0x80 ? 2 : 2 + (l & 0x7f);
}

/** Sign `image` (unsigned, or signed when `append`), returning the new image bytes. */
export function signPeImage(image: Uint8Array, signer: PeSigner, options: { append?: boolean } = {}): Uint8Array {
  let pe: PeFile = parsePeFile(image);
  if (pe.securityDirectoryOffset === undefined) throw new RangeError('image has no Certificate Table data directory (NumberOfRvaAndSizes ≤ 4)');
  const table = pe.certificateTable && pe.certificateTable.size > 0 ? pe.certificateTable : undefined;
  if (table && !options.append) throw new RangeError('image is already signed (pass append to add a signature)');
  if (table && table.offset + table.size !== image.length) throw new RangeError('the certificate table is not at the end of the image');
  let base = image;
  if (!table && image.length % 8 !== 0) {
    base = new Uint8Array(align8(image.length));
    base.set(image);
    pe = parsePeFile(base);
  }
  const digest = authenticodeDigest(pe, signer.hash ?? 'sha256');
  const p7 = authenticodeSignedData(digest, signer);
  const entryLen = 8 + p7.length;
  const entry = new ByteWriter(align8(entryLen)).u32le(entryLen).u16le(WIN_CERT_REVISION_2_0).u16le(WIN_CERT_TYPE_PKCS_SIGNED_DATA).bytes(p7).zeros(align8(entryLen) - entryLen).finish();
  const out = new Uint8Array(base.length + entry.length);
  out.set(base);
  out.set(entry, base.length);
  const dv = new DataView(out.buffer);
  const dir = pe.securityDirectoryOffset!;
  dv.setUint32(dir, table ? table.offset : base.length, true);
  dv.setUint32(dir + 4, (table ? table.size : 0) + entry.length, true);
  dv.setUint32(pe.checkSumOffset, peChecksum(out, pe.checkSumOffset), true);
  void IMAGE_DIRECTORY_ENTRY_SECURITY;
  return out;
}
