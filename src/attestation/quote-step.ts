/**
 * Step 5: the quote (go-attestation `validateQuote`, keylime `checkquote`; TPM 2.0 Part 2
 * §10.12.12 TPMS_ATTEST, Part 3 §18.4 TPM2_Quote): the signature over the TPMS_ATTEST bytes
 * verifies with the AK; it is TPM-generated (magic) and a quote; extraData is the nonce; the
 * selection covers the required SHA-256 PCRs; and pcrDigest = SHA-256 of the PCR values the agent
 * reported. Those values are then trusted — they are what the event log must replay to.
 */
import { TPM_ALG_SHA256 } from '../core/hash.js';
import { verifyQuote } from '../tpm/crypto/quote.js';
import { selectedPcrs } from '../tpm/types/pcr.js';
import type { TPMT_PUBLIC } from '../tpm/types/public.js';
import type { UntrustedPcrValue } from './evidence.js';
import { finding, type Finding } from './findings.js';

export interface QuoteStepInput {
  readonly akPublic: TPMT_PUBLIC;
  readonly quote: Uint8Array;
  readonly signature: Uint8Array;
  readonly nonce: Uint8Array;
  /** The agent's PCR values; undefined: checked later against the replayed log. */
  readonly pcrs: readonly UntrustedPcrValue[] | undefined;
  readonly requiredPcrs: readonly number[];
}

export interface QuoteStep {
  readonly findings: readonly Finding[];
  /** SHA-256 PCRs the quote selects. */
  readonly selected: readonly number[];
  readonly pcrDigest?: Uint8Array;
  /** PCR values proven by the quote (when the agent sent them). */
  readonly values?: ReadonlyMap<number, Uint8Array>;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function quoteStep(i: QuoteStepInput): QuoteStep {
  const pcrValues = i.pcrs ? new Map([[TPM_ALG_SHA256, new Map(i.pcrs.map((p) => [p.index, p.digest]))]]) : undefined;
  const r = verifyQuote({ akPublic: i.akPublic, quoted: i.quote, signature: i.signature, nonce: i.nonce, expectedHashAlg: TPM_ALG_SHA256, ...(pcrValues ? { pcrValues } : {}) });
  const findings: Finding[] = [];
  for (const p of r.problems) {
    switch (p.code) {
      case 'parse':
        findings.push(finding('quote.malformed', 'quote', `The quote or its signature does not parse: ${p.message}.`));
        break;
      case 'signature':
        findings.push(finding('quote.signature_invalid', 'quote', 'The quote signature does not verify with the AK: the quote was not signed by this vTPM\'s attestation key.'));
        break;
      case 'hash_alg':
        findings.push(finding('quote.signature_invalid', 'quote', `The quote is signed with a weaker hash than SHA-256 (${p.message}).`));
        break;
      case 'magic':
      case 'type':
        findings.push(finding('quote.not_quote', 'quote', `The attestation structure is not a TPM-generated quote: ${p.message}.`));
        break;
      case 'nonce':
        findings.push(finding('quote.nonce_mismatch', 'quote', 'The quote does not carry the nonce the service issued: it was made for another request.', { expected: hex(i.nonce), actual: r.attest ? hex(r.attest.extraData) : undefined }));
        break;
      case 'pcr_missing':
        findings.push(finding('quote.pcr_digest_mismatch', 'quote', `The reported PCR values do not cover the quote's selection: ${p.message}.`));
        break;
      case 'pcr_digest':
        findings.push(finding('quote.pcr_digest_mismatch', 'quote', 'The reported PCR values do not hash to the quoted PCR digest: they are not the values the vTPM signed.', { expected: r.attest ? hex(r.attest.attested.pcrDigest) : undefined }));
        break;
    }
  }
  if (!r.attest) return { findings, selected: [] };
  const selection = r.attest.attested.pcrSelect;
  const sha256 = selection.filter((s) => s.hash === TPM_ALG_SHA256).flatMap(selectedPcrs);
  const otherBanks = selection.filter((s) => s.hash !== TPM_ALG_SHA256 && selectedPcrs(s).length > 0);
  const missing = i.requiredPcrs.filter((p) => !sha256.includes(p));
  if (missing.length || otherBanks.length) {
    findings.push(
      finding('quote.pcrs_missing', 'quote', missing.length ? `The quote does not cover SHA-256 PCR ${missing.join(', ')}.` : 'The quote selects PCR banks other than SHA-256, which this verifier does not accept.', {
        expected: `sha256:${i.requiredPcrs.join(',')}`,
        actual: selection.map((s) => `0x${s.hash.toString(16)}:${selectedPcrs(s).join(',')}`).join(' '),
      }),
    );
  }
  const values = pcrValues ? new Map([...pcrValues.get(TPM_ALG_SHA256)!].filter(([k]) => sha256.includes(k))) : undefined;
  return { findings, selected: sha256, pcrDigest: r.attest.attested.pcrDigest, ...(values ? { values } : {}) };
}
