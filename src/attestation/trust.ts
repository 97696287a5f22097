/**
 * Trust anchors for EK and AK certificates: the platform's vTPM CA (DESIGN.md §7: "AK bound to
 * an EK whose certificate chains to the platform vTPM CA") and any CA an administrator adds
 * (e.g. swtpm's local CA for evidence produced outside the platform).
 *
 * A certificate is trusted when an anchor issued it: the issuer Name equals the anchor's subject
 * byte for byte (RFC 5280 §7.1 name chaining, as keylime's `verify_ek` and firmware do) and its
 * signature verifies with the anchor's key. That check is a pure function of the certificate's
 * bytes and the anchor set, so it is memoised by the SHA-256 of the DER (bounded, oldest first
 * out): a VM attested periodically presents the same certificates every time. Validity dates
 * and extended key usage are checked on every call (they depend on time and on the role).
 */
import { createHash, type KeyObject } from 'node:crypto';
import { extendedKeyUsage, formatName, OID, parseCertificate, publicKeyOf, verifyCertificateSignature, type Certificate } from '../core/asn1/index.js';
import { isTlError } from '../core/errors.js';

export interface TrustAnchorInput {
  readonly name: string;
  /** DER certificate of the CA. */
  readonly certificate: Uint8Array;
}

interface Anchor {
  readonly name: string;
  readonly cert: Certificate;
  readonly key: KeyObject;
  readonly subject: string;
}

export type CertificateRole = 'ek' | 'ak';

export type CertificateCheck =
  | { readonly ok: true; readonly cert: Certificate; readonly anchor: string }
  | { readonly ok: false; readonly problem: 'invalid' | 'untrusted' | 'expired' | 'usage'; /** A predicate completing "The EK certificate …" (is …, has …, does not …). */ readonly message: string; readonly cert?: Certificate };

const EKU: Record<CertificateRole, string> = { ek: OID.tcgKpEKCertificate, ak: OID.tcgKpAIKCertificate };

type Chained = { ok: true; cert: Certificate; anchor: string } | { ok: false; problem: 'invalid' | 'untrusted'; message: string; cert?: Certificate };

export class TrustStore {
  private readonly anchors: readonly Anchor[];
  private readonly memo = new Map<string, Chained>();
  readonly stats = { hits: 0, misses: 0 };

  constructor(anchors: readonly TrustAnchorInput[], private readonly maxEntries = 50_000) {
    this.anchors = anchors.map((a) => {
      const cert = parseCertificate(a.certificate);
      return { name: a.name, cert, key: publicKeyOf(cert), subject: Buffer.from(cert.subject.der).toString('hex') };
    });
  }

  /** Forget the memoised chain checks (benches measure the cold path with it). */
  clearCache(): void {
    this.memo.clear();
  }

  /** Names and subjects of the anchors (for display). */
  get names(): { name: string; subject: string }[] {
    return this.anchors.map((a) => ({ name: a.name, subject: formatName(a.cert.subject) }));
  }

  /** Check a certificate for a role at time `now` (ms since the epoch). */
  check(der: Uint8Array, role: CertificateRole, now: number): CertificateCheck {
    const chained = this.chain(der);
    if (!chained.ok) return chained;
    const { cert } = chained;
    if (now < cert.notBefore.getTime() || now > cert.notAfter.getTime()) {
      return { ok: false, problem: 'expired', message: `is valid from ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}, not at ${new Date(now).toISOString()}`, cert };
    }
    let eku: string[] | undefined;
    try {
      eku = extendedKeyUsage(cert);
    } catch (e) {
      if (!isTlError(e)) throw e;
      return { ok: false, problem: 'invalid', message: `has an extendedKeyUsage that does not parse: ${e.message}`, cert };
    }
    // TCG EK Credential Profile §3.2.15: an EK certificate names tcg-kp-EKCertificate; Azure's
    // AK certificates name tcg-kp-AIKCertificate. A certificate without the extension is not restricted.
    if (eku && !eku.includes(EKU[role])) {
      return { ok: false, problem: 'usage', message: `has an extendedKeyUsage (${eku.join(', ')}) that does not include ${EKU[role]} (${role === 'ek' ? 'tcg-kp-EKCertificate' : 'tcg-kp-AIKCertificate'})`, cert };
    }
    return chained;
  }

  private chain(der: Uint8Array): Chained {
    const key = createHash('sha256').update(der).digest('hex');
    const hit = this.memo.get(key);
    if (hit) {
      this.stats.hits++;
      return hit;
    }
    this.stats.misses++;
    const v = this.chainUncached(der);
    if (this.memo.size >= this.maxEntries) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(key, v);
    return v;
  }

  private chainUncached(der: Uint8Array): Chained {
    let cert: Certificate;
    try {
      cert = parseCertificate(der);
    } catch (e) {
      if (!isTlError(e)) throw e;
      return { ok: false, problem: 'invalid', message: `does not parse: ${e.message}` };
    }
    const issuer = Buffer.from(cert.issuer.der).toString('hex');
    const candidates = this.anchors.filter((a) => a.subject === issuer);
    for (const a of candidates) {
      if (verifyCertificateSignature(cert, a.key)) return { ok: true, cert, anchor: a.name };
    }
    const by = formatName(cert.issuer) || '(empty issuer)';
    return {
      ok: false,
      problem: 'untrusted',
      message: candidates.length
        ? `is issued by "${by}" but its signature does not verify with that trusted CA's key`
        : `is issued by "${by}", which is not a trusted vTPM CA (trusted: ${this.anchors.map((a) => `"${formatName(a.cert.subject)}"`).join(', ') || 'none'})`,
      cert,
    };
  }
}
