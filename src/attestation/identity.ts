/**
 * Steps 2–4 of the verifier: who produced the evidence. The EK certificate must chain to a
 * trusted vTPM CA and certify the EK public area sent; the AK must be a restricted signing key
 * bound to that EK by credential activation and, when it has a certificate, that certificate
 * must chain to a trusted CA and certify this AK.
 *
 * Parsing a public area, computing its Name and its node:crypto key are pure functions of the
 * bytes: they are memoised (bounded) so that periodic attestations of a VM, which present the
 * same EK and AK every time, pay for the signature checks only.
 */
import { createHash } from 'node:crypto';
import { der, OID } from '../core/asn1/index.js';
import { isTlError } from '../core/errors.js';
import { curveById } from '../tpm/crypto/ecc.js';
import { rsaExponent } from '../tpm/crypto/keys.js';
import { objectName } from '../tpm/crypto/name.js';
import { TPM_ALG, TPM_ECC } from '../tpm/types/constants.js';
import { parseTpm2bPublic, parseTpmtPublic, type TPMT_PUBLIC } from '../tpm/types/public.js';
import { akAttributesProblem } from './activation.js';
import { finding, type Finding } from './findings.js';
import type { TrustStore } from './trust.js';

export interface ParsedPublic {
  readonly public: TPMT_PUBLIC;
  /** The TPM Name, hex. */
  readonly name: string;
  /** The SubjectPublicKeyInfo (DER, hex) a certificate for this key carries. */
  readonly spki: string;
}

const MEMO_MAX = 50_000;
const publics = new Map<string, ParsedPublic | { error: string }>();

const CURVE_OIDS: Record<number, string> = { [TPM_ECC.NIST_P256]: OID.secp256r1, [TPM_ECC.NIST_P384]: OID.secp384r1, [TPM_ECC.NIST_P521]: '1.3.132.0.35' };

function pad(b: Uint8Array, n: number): Uint8Array {
  if (b.length > n) throw new RangeError(`coordinate of ${b.length} bytes exceeds ${n}`);
  const out = new Uint8Array(n);
  out.set(b, n - b.length);
  return out;
}

/**
 * The DER SubjectPublicKeyInfo of an RSA or ECC public area (RFC 5280 §4.1.2.7, RFC 3279 §2.3.1,
 * RFC 5480 §2: namedCurve, uncompressed point), as certificate issuers encode it — compared byte
 * for byte with a certificate's, without building a key object.
 */
export function spkiOf(pub: TPMT_PUBLIC): Uint8Array {
  if (pub.type === TPM_ALG.RSA) {
    const rsaKey = der.seq(der.int(pub.unique), der.int(rsaExponent(pub)));
    return der.seq(der.seq(der.oid(OID.rsaEncryption), der.null()), der.bits(rsaKey));
  }
  if (pub.type === TPM_ALG.ECC) {
    const oid = CURVE_OIDS[pub.parameters.curveID];
    const curve = curveById(pub.parameters.curveID);
    if (!oid || !curve) throw new RangeError(`unsupported curve 0x${pub.parameters.curveID.toString(16)}`);
    const point = new Uint8Array(1 + 2 * curve.size);
    point[0] = 4;
    point.set(pad(pub.unique.x, curve.size), 1);
    point.set(pad(pub.unique.y, curve.size), 1 + curve.size);
    return der.seq(der.seq(der.oid(OID.ecPublicKey), der.oid(oid)), der.bits(point));
  }
  throw new RangeError(`object type 0x${pub.type.toString(16)} has no public key`);
}

/** Parse a TPMT_PUBLIC or TPM2B_PUBLIC (tpm2_readpublic -f tss), memoised by content. */
export function parsePublicArea(bytes: Uint8Array): ParsedPublic | { error: string } {
  const key = createHash('sha256').update(bytes).digest('hex');
  const hit = publics.get(key);
  if (hit) return hit;
  let v: ParsedPublic | { error: string };
  try {
    const sized = bytes.length >= 2 && ((bytes[0]! << 8) | bytes[1]!) === bytes.length - 2;
    const pub = sized ? parseTpm2bPublic(bytes) : parseTpmtPublic(bytes);
    v = { public: pub, name: Buffer.from(objectName(pub)).toString('hex'), spki: Buffer.from(spkiOf(pub)).toString('hex') };
  } catch (e) {
    // Untrusted bytes: a wire error, or a key we cannot represent.
    v = { error: isTlError(e) || e instanceof Error ? e.message : String(e) };
  }
  if (publics.size >= MEMO_MAX) publics.delete(publics.keys().next().value!);
  publics.set(key, v);
  return v;
}

const certSpki = (c: { spki: Uint8Array }): string => Buffer.from(c.spki).toString('hex');

export interface IdentityInput {
  readonly ekPublic: Uint8Array;
  readonly ekCertificate: Uint8Array;
  readonly akPublic: Uint8Array;
  readonly akCertificate?: Uint8Array | undefined;
}

export interface Identity {
  readonly ek?: ParsedPublic;
  readonly ak?: ParsedPublic;
  readonly ekIssuer?: string;
  readonly findings: readonly Finding[];
}

const CERT_FINDING = {
  ek: { invalid: 'ek.certificate_invalid', untrusted: 'ek.untrusted_ca', expired: 'ek.certificate_expired', usage: 'ek.not_ek_certificate' },
  ak: { invalid: 'ak.certificate_invalid', untrusted: 'ak.untrusted_ca', expired: 'ak.certificate_expired', usage: 'ak.certificate_invalid' },
} as const;

/** Step 2 (EK), step 3 (binding) and step 4 (AK). */
export function verifyIdentity(i: IdentityInput, trust: TrustStore, boundAks: (ekName: string) => readonly string[], now: number): Identity {
  const findings: Finding[] = [];
  // 2. EK
  const ek = parsePublicArea(i.ekPublic);
  const ekCert = trust.check(i.ekCertificate, 'ek', now);
  if ('error' in ek) findings.push(finding('evidence.malformed', 'EK public area', `The EK public area does not parse: ${ek.error}`));
  if (!ekCert.ok) findings.push(finding(CERT_FINDING.ek[ekCert.problem], 'EK certificate', `The EK certificate ${ekCert.message}.`));
  else if (!('error' in ek) && certSpki(ekCert.cert) !== ek.spki) {
    findings.push(finding('ek.public_mismatch', 'EK', 'The EK certificate certifies another key than the EK public area sent.', { expected: `${certSpki(ekCert.cert).slice(-32)} (certificate)`, actual: `${ek.spki.slice(-32)} (public area)` }));
  }
  // 3. binding, 4. AK
  const ak = parsePublicArea(i.akPublic);
  if ('error' in ak) {
    findings.push(finding('evidence.malformed', 'AK public area', `The AK public area does not parse: ${ak.error}`));
  } else {
    const problem = akAttributesProblem(ak.public);
    if (problem) findings.push(finding('ak.attributes_invalid', 'AK', `The AK ${problem}.`));
    if (!('error' in ek)) {
      const bound = boundAks(ek.name);
      if (!bound.includes(ak.name)) {
        findings.push(finding('ak.not_bound', 'AK', `The AK (Name ${ak.name}) has not been bound to this EK (Name ${ek.name}) by credential activation.`, { expected: bound.length ? bound.join(', ') : 'an activated AK', actual: ak.name }));
      }
    }
    if (i.akCertificate) {
      const akCert = trust.check(i.akCertificate, 'ak', now);
      if (!akCert.ok) findings.push(finding(CERT_FINDING.ak[akCert.problem], 'AK certificate', `The AK certificate ${akCert.message}.`));
      else if (certSpki(akCert.cert) !== ak.spki) {
        findings.push(finding('ak.certificate_mismatch', 'AK certificate', 'The AK certificate certifies another key than the AK that signed the quote.', { expected: `${certSpki(akCert.cert).slice(-32)} (certificate)`, actual: `${ak.spki.slice(-32)} (AK)` }));
      }
    }
  }
  return {
    ...('error' in ek ? {} : { ek }),
    ...('error' in ak ? {} : { ak }),
    ...(ekCert.ok ? { ekIssuer: ekCert.anchor } : {}),
    findings,
  };
}
