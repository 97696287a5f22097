/**
 * Certificate path building the way UEFI firmware trusts a signer (edk2 CryptoPkg Pkcs7Verify:
 * OpenSSL with X509_V_FLAG_PARTIAL_CHAIN and no time checks; shim's AuthenticodeVerify the same):
 *
 *  - a trust anchor (a db, MokList or vendor certificate) may be the signer itself or any
 *    certificate above it: the chain stops at the first certificate that equals an anchor or
 *    that an anchor issued (reference/secureboot.md G8: Microsoft UEFI CA 2011 is an
 *    intermediate whose root is nowhere in db);
 *  - validity dates are never checked (UEFI has no trusted time, G7);
 *  - every certificate that issues another must be a CA (basicConstraints cA, or a v1
 *    certificate), and each link's signature is verified with the issuer's key.
 */
import { bytesEqual } from '../../core/bytes.js';
import { basicConstraints, verifyCertificateSignature, type Certificate } from '../../core/asn1/index.js';
import { cachedKey } from '../pkcs7/verify.js';

export interface TrustPath<A> {
  /** The anchor that allowed the signer. */
  readonly anchor: A;
  /** Signer first, up to the certificate that equals the anchor or that the anchor issued. */
  readonly chain: readonly Certificate[];
}

const MAX_DEPTH = 8;
/** Certificates considered from one signature's bag (real ones hold 1–3). */
const MAX_BAG = 64;

function canIssue(c: Certificate): boolean {
  let bc;
  try {
    bc = basicConstraints(c);
  } catch {
    return false; // a malformed basicConstraints extension does not make a CA
  }
  return bc ? bc.ca : c.version === 1;
}

function issuedBy(child: Certificate, issuer: Certificate): boolean {
  if (!bytesEqual(child.issuer.der, issuer.subject.der) || !canIssue(issuer)) return false;
  const key = cachedKey(issuer);
  return key !== undefined && verifyCertificateSignature(child, key);
}

/** Build a path from `signer` through `bag` to one of `anchors` (each with its certificate). */
export function findTrustPath<A extends { readonly cert: Certificate }>(
  signer: Certificate,
  bag: readonly Certificate[],
  anchors: readonly A[],
): TrustPath<A> | undefined {
  if (anchors.length === 0) return undefined;
  // Each certificate is expanded at most once: whether it reaches an anchor does not depend on
  // the path that led to it, so a hostile bag of mutually-signed certificates costs O(n²)
  // signature checks, not an exponential walk.
  const expanded = new Set<Certificate>();
  const walk = (cur: Certificate, chain: Certificate[]): TrustPath<A> | undefined => {
    for (const a of anchors) if (bytesEqual(a.cert.der, cur.der)) return { anchor: a, chain };
    for (const a of anchors) if (issuedBy(cur, a.cert)) return { anchor: a, chain };
    if (chain.length >= MAX_DEPTH || expanded.has(cur)) return undefined;
    expanded.add(cur);
    for (const c of bag.slice(0, MAX_BAG)) {
      if (chain.includes(c) || !issuedBy(cur, c)) continue;
      const found = walk(c, [...chain, c]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(signer, [signer]);
}
