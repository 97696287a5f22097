/**
 * verifyImage: may this PE/COFF image run? A pure function of (bytes, policy), following edk2
 * SecurityPkg DxeImageVerificationLib (DxeImageVerificationHandler) for firmware and shim's
 * verify_buffer for shim-loaded images:
 *
 *  1. parse the image (a malformed image is refused with the parser's reason and offset);
 *  2. SBAT (shim policy only): the `.sbat` section must exist when required and no component
 *     generation may be below SbatLevel's;
 *  3. the image's SHA-256 digest listed in a deny list → refused;
 *  4. unsigned: allowed only when its digest is listed in an allow list;
 *  5. for each WIN_CERTIFICATE, in order: skip it unless intact (digest matches, signature
 *     verifies); refused when its chain reaches a deny-list certificate or a certificate whose
 *     TBS hash is denied, or when the image digest in the signature's algorithm is denied;
 *     otherwise allowed when its chain reaches an allow-list certificate or the digest is allowed;
 *  6. "at least one valid signature or hash in db, and no valid signature nor hash in dbx".
 */
import { createHash } from 'node:crypto';
import { toHex } from '../../core/bytes.js';
import { commonName, formatName, type Certificate } from '../../core/asn1/index.js';
import { isTlError } from '../../core/errors.js';
import { certName, imageDigest, inspectSignature, type AuthenticodeSignature, type DigestCache } from '../authenticode/signature.js';
import { parsePeFile, type PeFile } from '../pe/pe-file.js';
import { parseCertificateTable } from '../pe/win-certificate.js';
import { checkSbat, parseSbat, type SbatEntry, type SbatLevel } from '../shim/sbat.js';
import { findCertificateHash, findImageHash, type CertEntry, type HashEntry, type SignatureDatabase } from '../sigdb/database.js';
import { findTrustPath } from './chain.js';
import type { Authority, ImageVerdict, SignatureSummary } from './verdict.js';

export interface ImagePolicy {
  /** Allow lists, in the order they are consulted (firmware: db; shim: db, MokList, vendor certificate). */
  readonly allow: readonly SignatureDatabase[];
  /** Deny lists (firmware: dbx; shim: dbx, vendor dbx, MokListX). */
  readonly deny: readonly SignatureDatabase[];
  /** SBAT enforcement, for images shim loads or verifies. */
  readonly sbat?: { readonly level: SbatLevel; readonly requireSection: boolean };
}

/** The firmware's policy: db allows, dbx denies. */
export function firmwarePolicy(db: SignatureDatabase, dbx: SignatureDatabase): ImagePolicy {
  return { allow: [db], deny: [dbx] };
}

export const certFingerprint = (c: Certificate): string => createHash('sha256').update(c.der).digest('hex');

const authorities = new WeakMap<CertEntry, Authority>();

/** The Authority naming a database certificate (computed once per entry: module checks run thousands of times). */
export function certAuthority(e: CertEntry): Authority {
  let a = authorities.get(e);
  if (!a) authorities.set(e, (a = { database: e.database, kind: 'certificate', subject: certName(e.cert), fingerprint: certFingerprint(e.cert), owner: e.owner }));
  return a;
}

export function hashAuthority(e: HashEntry): Authority {
  return { database: e.database, kind: 'hash', fingerprint: toHex(e.digest), owner: e.owner };
}

/** Names of databases as a phrase: "db", "db or MokList", "db, MokList or the shim vendor certificate". */
export function databasesPhrase(dbs: readonly SignatureDatabase[]): string {
  const names = dbs.map((d) => d.name);
  if (names.length <= 1) return names[0] ?? 'no database';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function sectionBytes(pe: PeFile, name: string): Uint8Array | undefined {
  const s = pe.sections.find((x) => x.name === name);
  if (!s || s.sizeOfRawData === 0) return undefined;
  const n = s.virtualSize > 0 ? Math.min(s.virtualSize, s.sizeOfRawData) : s.sizeOfRawData;
  return pe.bytes.subarray(s.pointerToRawData, s.pointerToRawData + n);
}

export { sectionBytes };

function summarize(sig: AuthenticodeSignature): SignatureSummary {
  const issuer = sig.signer ? commonName(sig.signer.issuer) ?? formatName(sig.signer.issuer) : undefined;
  return {
    index: sig.index,
    ...(sig.signer ? { signer: certName(sig.signer) } : {}),
    ...(issuer ? { issuer } : {}),
    ...(sig.digestAlgorithm ? { digestAlgorithm: sig.digestAlgorithm } : {}),
    intact: sig.intact,
    ...(sig.problem ? { problem: sig.problem } : {}),
  };
}

export interface VerifyOptions {
  /** Name of the component in verdicts (file name or role). */
  readonly component?: string;
}

/** Verify a PE/COFF image (bytes as loaded) against `policy`. Never throws for bad input. */
export function verifyImage(bytes: Uint8Array, policy: ImagePolicy, options: VerifyOptions = {}): ImageVerdict {
  const component = options.component ?? 'image';
  let pe: PeFile;
  try {
    pe = parsePeFile(bytes);
  } catch (e) {
    if (!isTlError(e)) throw e;
    return { component, allowed: false, reason: `not a valid PE/COFF image: ${e.message}`, signatures: [] };
  }
  const cache: DigestCache = new Map();
  const digest = imageDigest(pe, 'sha256', cache);
  const digestHex = toHex(digest);
  const refuse = (reason: string, extra: Partial<ImageVerdict> = {}): ImageVerdict => ({ component, allowed: false, reason, digest: digestHex, signatures: [], ...extra });

  // 2. SBAT (shim).
  let sbat: SbatEntry[] | undefined;
  if (policy.sbat) {
    const raw = sectionBytes(pe, '.sbat');
    if (!raw) {
      if (policy.sbat.requireSection) return refuse('has no .sbat section, and shim requires SBAT metadata in every image it loads');
    } else {
      try {
        sbat = parseSbat(raw);
      } catch (e) {
        if (!isTlError(e)) throw e;
        return refuse(`its .sbat section is malformed: ${e.message}`);
      }
      const v = checkSbat(sbat, policy.sbat.level);
      if (v) {
        return refuse(`SBAT generation ${v.component},${v.imageGeneration} is revoked by SbatLevel ${v.component},${v.levelGeneration}`, { sbat: sbatSummary(sbat) });
      }
    }
  }
  const sbatOut = sbat ? { sbat: sbatSummary(sbat) } : {};

  // 3. Image digest denied.
  for (const d of policy.deny) {
    const h = findImageHash(d, 'sha256', digest);
    if (h) return refuse(`image SHA-256 digest is in ${d.name}`, { ...sbatOut });
  }

  let entries;
  try {
    entries = parseCertificateTable(pe);
  } catch (e) {
    if (!isTlError(e)) throw e;
    return refuse(`its certificate table is malformed: ${e.message}`, { ...sbatOut });
  }

  // 4. Unsigned.
  if (entries.length === 0) {
    for (const a of policy.allow) {
      const h = findImageHash(a, 'sha256', digest);
      if (h) return { component, allowed: true, reason: `unsigned, but its SHA-256 digest is listed in ${a.name}`, digest: digestHex, authority: hashAuthority(h), signatures: [], ...sbatOut };
    }
    return refuse(`no signature, and its SHA-256 digest is not in ${databasesPhrase(policy.allow)}`, { ...sbatOut });
  }

  // 5. Each signature.
  const denyCerts = policy.deny.flatMap((d) => d.certs);
  const allowCerts = policy.allow.flatMap((d) => d.certs);
  const summaries: SignatureSummary[] = [];
  let allowedBy: { authority: Authority; signer?: string } | undefined;
  for (let i = 0; i < entries.length; i++) {
    const sig = inspectSignature(pe, entries[i]!, i, cache);
    let s = summarize(sig);
    if (!sig.intact || !sig.signer) {
      summaries.push(s);
      continue;
    }
    const bag = sig.certificates;
    const revoked = findTrustPath(sig.signer, bag, denyCerts);
    if (revoked) {
      const by = `${revoked.anchor.database} certificate ${certName(revoked.anchor.cert)}`;
      summaries.push({ ...s, chain: revoked.chain.map(certName), revokedBy: by });
      return refuse(`signed by ${certName(sig.signer)}, whose certificate chain is revoked by ${by}`, { signer: certName(sig.signer), signatures: summaries, ...sbatOut });
    }
    for (const d of policy.deny) {
      for (const c of [sig.signer, ...bag]) {
        const h = findCertificateHash(d, c);
        if (h) {
          summaries.push({ ...s, revokedBy: `${d.name} certificate hash ${toHex(h.digest)}` });
          return refuse(`signed by ${certName(sig.signer)}, but certificate ${certName(c)} is revoked by its hash in ${d.name}`, { signer: certName(sig.signer), signatures: summaries, ...sbatOut });
        }
      }
      if (sig.digestAlgorithm && sig.digestAlgorithm !== 'sha256') {
        const h = findImageHash(d, sig.digestAlgorithm, imageDigest(pe, sig.digestAlgorithm, cache));
        if (h) return refuse(`image ${sig.digestAlgorithm.toUpperCase()} digest is in ${d.name}`, { signatures: [...summaries, s], ...sbatOut });
      }
    }
    const trusted = findTrustPath(sig.signer, bag, allowCerts);
    if (trusted) {
      const authority = certAuthority(trusted.anchor);
      s = { ...s, chain: trusted.chain.map(certName), trustedBy: authority };
      allowedBy ??= { authority, signer: certName(sig.signer) };
    } else if (!allowedBy && sig.digestAlgorithm) {
      for (const a of policy.allow) {
        const h = findImageHash(a, sig.digestAlgorithm, imageDigest(pe, sig.digestAlgorithm, cache));
        if (h) {
          s = { ...s, trustedBy: hashAuthority(h) };
          allowedBy = { authority: hashAuthority(h), signer: certName(sig.signer) };
          break;
        }
      }
    }
    summaries.push(s);
  }

  // 6. Decide.
  if (allowedBy) {
    const a = allowedBy.authority;
    const how = a.kind === 'certificate' ? `which chains to ${a.subject} in ${a.database}` : `and its digest is listed in ${a.database}`;
    return { component, allowed: true, reason: `signed by ${allowedBy.signer}, ${how}`, ...(allowedBy.signer ? { signer: allowedBy.signer } : {}), authority: a, digest: digestHex, signatures: summaries, ...sbatOut };
  }
  const signer = summaries.find((x) => x.signer)?.signer;
  const intact = summaries.filter((x) => x.intact);
  let reason: string;
  if (intact.length > 0) {
    const names = [...new Set(intact.map((x) => x.signer!))].join(' and ');
    reason = `signed by ${names}, which chains to no certificate in ${databasesPhrase(policy.allow)}`;
  } else {
    reason = [...new Set(summaries.map((x) => x.problem).filter(Boolean))].join('; ') || 'no usable signature';
  }
  return refuse(reason, { ...(signer ? { signer } : {}), signatures: summaries, ...sbatOut });
}

function sbatSummary(entries: readonly SbatEntry[]): NonNullable<ImageVerdict['sbat']> {
  return entries.map((e) => (e.version !== undefined ? { component: e.component, generation: e.generation, version: e.version } : { component: e.component, generation: e.generation }));
}
