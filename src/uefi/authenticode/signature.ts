/**
 * One Authenticode signature of a PE image: the PKCS#7 SignedData in a WIN_CERTIFICATE, checked
 * for integrity (the signed digest equals the image digest; the signer's signature verifies) but
 * not yet for trust, which depends on the policy (db, MokList, vendor certificate…).
 */
import { bytesEqual, toHex } from '../../core/bytes.js';
import { commonName, formatName, parseCertificate, type Certificate } from '../../core/asn1/index.js';
import { isTlError } from '../../core/errors.js';
import { authenticodeDigest, type AuthenticodeHash } from '../pe/authenticode-digest.js';
import type { PeFile } from '../pe/pe-file.js';
import { WIN_CERT_TYPE_PKCS_SIGNED_DATA, type WIN_CERTIFICATE } from '../pe/win-certificate.js';
import { OID_SPC } from '../pkcs7/oids.js';
import { parseSignedData } from '../pkcs7/signed-data.js';
import { matchesSigner, verifySignerInfo } from '../pkcs7/verify.js';
import { parseSpcIndirectDataContent } from './spc.js';

export interface AuthenticodeSignature {
  readonly index: number;
  /** File offset of the WIN_CERTIFICATE. */
  readonly offset: number;
  readonly digestAlgorithm: AuthenticodeHash | undefined;
  readonly signedDigest: Uint8Array | undefined;
  readonly imageDigest: Uint8Array | undefined;
  readonly signer: Certificate | undefined;
  /** The certificate bag (signer included), parsed. */
  readonly certificates: readonly Certificate[];
  /** True when the digest matches and the signer's signature verifies. */
  readonly intact: boolean;
  /** Why it is not intact, in operator words. */
  readonly problem: string | undefined;
}

/** Subject CN of a certificate, falling back to the whole subject. */
export const certName = (c: Certificate): string => commonName(c.subject) ?? formatName(c.subject);

/** Digest cache for one image, so several signatures with one algorithm hash once. */
export type DigestCache = Map<AuthenticodeHash, Uint8Array>;

export function imageDigest(pe: PeFile, alg: AuthenticodeHash, cache: DigestCache): Uint8Array {
  let d = cache.get(alg);
  if (!d) {
    d = authenticodeDigest(pe, alg);
    cache.set(alg, d);
  }
  return d;
}

/** Inspect signature `index` of `pe`. Never throws for bad bytes: the problem is reported. */
export function inspectSignature(pe: PeFile, entry: WIN_CERTIFICATE, index: number, cache: DigestCache): AuthenticodeSignature {
  const base = { index, offset: entry.offset };
  const broken = (problem: string, extra: Partial<AuthenticodeSignature> = {}): AuthenticodeSignature => ({
    digestAlgorithm: undefined, signedDigest: undefined, imageDigest: undefined, signer: undefined, certificates: [], intact: false, problem, ...base, ...extra,
  });
  if (entry.wCertificateType !== WIN_CERT_TYPE_PKCS_SIGNED_DATA) {
    return broken(`certificate entry ${index} has type 0x${entry.wCertificateType.toString(16)}, not PKCS#7 signed data`);
  }
  try {
    const sd = parseSignedData(entry.bCertificate, entry.offset + 8);
    if (sd.contentType !== OID_SPC.SPC_INDIRECT_DATA_OBJID || !sd.content) return broken('PKCS#7 content is not Authenticode SpcIndirectDataContent');
    const idc = parseSpcIndirectDataContent(sd.content);
    const certificates = sd.certificates.map((c) => parseCertificate(c));
    const si = sd.signerInfos[0];
    if (sd.signerInfos.length !== 1 || !si) return broken(`Authenticode needs exactly one SignerInfo, found ${sd.signerInfos.length}`, { certificates });
    const signer = certificates.find((c) => matchesSigner(si, c));
    const computed = imageDigest(pe, idc.digestAlgorithm, cache);
    const common = { digestAlgorithm: idc.digestAlgorithm, signedDigest: idc.digest, imageDigest: computed, signer, certificates };
    if (!signer) return broken('the signing certificate is not in the signature', common);
    if (!bytesEqual(idc.digest, computed)) {
      return broken(
        `image ${idc.digestAlgorithm.toUpperCase()} digest ${toHex(computed)} does not match the signed digest ${toHex(idc.digest)} (the image was modified after signing)`,
        common,
      );
    }
    const check = verifySignerInfo(si, signer, idc.signedContent, sd.contentType);
    if (!check.ok) return broken(`signature by ${certName(signer)} does not verify: ${check.reason}`, common);
    return { ...base, ...common, intact: true, problem: undefined };
  } catch (e) {
    if (!isTlError(e)) throw e;
    return broken(`signature ${index} is malformed: ${e.message}`);
  }
}
