/**
 * SpcIndirectDataContent (Authenticode PE §"Authenticode-Specific Structures"):
 *
 *   SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue, messageDigest DigestInfo }
 *   SpcAttributeTypeAndOptionalValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY OPTIONAL }
 *   DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }
 *
 * It is the eContent of the SignedData — a SEQUENCE, not an OCTET STRING — and the
 * messageDigest signed attribute is the hash of its *content octets* (without tag and length):
 * reference/secureboot.md G6.
 */
import { TAG, content, der, digestName, expectTag, OID, parseAlgorithmIdentifier, readOid, sequence, type Tlv } from '../../core/asn1/index.js';
import { WireError } from '../../core/errors.js';
import type { AuthenticodeHash } from '../pe/authenticode-digest.js';
import { OID_SPC } from '../pkcs7/oids.js';

export interface SpcIndirectDataContent {
  readonly dataType: string;
  readonly digestAlgorithm: AuthenticodeHash;
  readonly digest: Uint8Array;
  /** The content octets that the messageDigest attribute covers. */
  readonly signedContent: Uint8Array;
}

export function parseSpcIndirectDataContent(t: Tlv): SpcIndirectDataContent {
  const what = 'SpcIndirectDataContent';
  const [dataT, mdT] = sequence(t, what, 2);
  const [typeT] = sequence(dataT!, `${what}.data`, 1);
  const [algT, digestT] = sequence(mdT!, `${what}.messageDigest`, 2);
  const alg = parseAlgorithmIdentifier(algT!, `${what}.messageDigest.digestAlgorithm`);
  const name = digestName(alg.oid);
  if (name !== 'sha1' && name !== 'sha256' && name !== 'sha384' && name !== 'sha512') {
    throw new WireError(`unsupported Authenticode digest algorithm ${alg.oid}`, algT!.start, what);
  }
  return {
    dataType: readOid(typeT!, `${what}.data.type`),
    digestAlgorithm: name,
    digest: content(expectTag(digestT!, TAG.OCTET_STRING, `${what}.messageDigest.digest`)),
    signedContent: content(t),
  };
}

/**
 * Encode SpcIndirectDataContent for a PE image digest, with the SpcPeImageData value that
 * signtool, sbsign and pesign emit: flags (empty BIT STRING) and file [0] → [2] "<<<Obsolete>>>"
 * as a BMPString-in-[0] SpcString.
 */
export function encodeSpcIndirectDataContent(alg: AuthenticodeHash, digest: Uint8Array): Uint8Array {
  const obsolete = new Uint8Array(Buffer.from('\0<\0<\0<\0O\0b\0s\0o\0l\0e\0t\0e\0>\0>\0>', 'latin1'));
  const peImageData = der.seq(der.bits(new Uint8Array(0)), der.explicit(0, der.explicit(2, der.implicit(0, obsolete))));
  const algOid = { sha1: OID.sha1, sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 }[alg];
  return der.seq(der.seq(der.oid(OID_SPC.SPC_PE_IMAGE_DATAOBJ), peImageData), der.seq(der.seq(der.oid(algOid), der.null()), der.octets(digest)));
}
