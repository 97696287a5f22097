/**
 * Pure quote verification, the checks go-attestation's AKPublic.validateQuote and keylime's
 * tpm_util.checkquote make (reference doc §2.1/§2.2):
 *  1. the signature over H(TPMS_ATTEST bytes) verifies with the AK public area;
 *  2. magic = TPM_GENERATED_VALUE and type = TPM_ST_ATTEST_QUOTE;
 *  3. extraData equals the verifier's nonce;
 *  4. (when PCR values are given) pcrDigest = H_sigHash(selected PCR values).
 * Nothing throws for bad evidence: every failed check is reported in `problems`.
 */
import { bytesEqual, toHex } from '../../core/bytes.js';
import { TPM_GENERATED_VALUE, TPM_ST } from '../types/constants.js';
import { parseTpmsAttest, type TPMS_ATTEST } from '../types/attest.js';
import type { TPMT_PUBLIC } from '../types/public.js';
import { parseTpmtSignature, type TPMT_SIGNATURE } from '../types/signature.js';
import { concatSelected, type PcrValues } from './pcr-digest.js';
import { hash } from '../../core/hash.js';
import { verifyMessage } from './sign.js';

export interface QuoteInput {
  /** The AK public area. */
  akPublic: TPMT_PUBLIC;
  /** The signed TPMS_ATTEST bytes (TPM2B_ATTEST contents, or tpm2_quote's `-m` file). */
  quoted: Uint8Array;
  /** TPMT_SIGNATURE, parsed or as bytes (tpm2_quote's `-s` file). */
  signature: TPMT_SIGNATURE | Uint8Array;
  /** The nonce the verifier sent (qualifyingData). */
  nonce: Uint8Array;
  /** PCR values to check the quoted digest against (e.g. replayed from an event log). */
  pcrValues?: PcrValues;
  /** Require this signature hash (TPM_ALG_ID), as keylime's exp_hash_alg does. */
  expectedHashAlg?: number;
}

export type QuoteProblem =
  | 'parse'
  | 'signature'
  | 'hash_alg'
  | 'magic'
  | 'type'
  | 'nonce'
  | 'pcr_digest'
  | 'pcr_missing';

export interface QuoteResult {
  ok: boolean;
  attest?: TPMS_ATTEST & { type: typeof TPM_ST.ATTEST_QUOTE };
  signature?: TPMT_SIGNATURE;
  problems: { code: QuoteProblem; message: string }[];
}

export function verifyQuote(input: QuoteInput): QuoteResult {
  const problems: QuoteResult['problems'] = [];
  let sig: TPMT_SIGNATURE;
  let attest: TPMS_ATTEST;
  try {
    sig = input.signature instanceof Uint8Array ? parseTpmtSignature(input.signature) : input.signature;
    attest = parseTpmsAttest(input.quoted);
  } catch (e) {
    return { ok: false, problems: [{ code: 'parse', message: (e as Error).message }] };
  }
  if (!verifyMessage(input.akPublic, input.quoted, sig)) problems.push({ code: 'signature', message: 'signature does not verify with the AK' });
  if (input.expectedHashAlg !== undefined && sig.hash !== input.expectedHashAlg) {
    problems.push({ code: 'hash_alg', message: `signature hash 0x${sig.hash.toString(16)} is not the expected 0x${input.expectedHashAlg.toString(16)}` });
  }
  if (attest.magic !== TPM_GENERATED_VALUE) problems.push({ code: 'magic', message: `magic 0x${attest.magic.toString(16)} is not TPM_GENERATED_VALUE` });
  if (attest.type !== TPM_ST.ATTEST_QUOTE) {
    problems.push({ code: 'type', message: `attestation type 0x${attest.type.toString(16)} is not TPM_ST_ATTEST_QUOTE` });
    return { ok: false, signature: sig, problems };
  }
  if (!bytesEqual(attest.extraData, input.nonce)) {
    problems.push({ code: 'nonce', message: `extraData ${toHex(attest.extraData)} does not equal the nonce ${toHex(input.nonce)}` });
  }
  if (input.pcrValues) {
    const c = concatSelected(input.pcrValues, attest.attested.pcrSelect);
    if (!(c instanceof Uint8Array)) {
      problems.push({ code: 'pcr_missing', message: `no value for PCR ${c.missing.pcr} in bank 0x${c.missing.bank.toString(16)}` });
    } else if (sig.sigAlg !== 0x0010 && !bytesEqual(hash(sig.hash, c), attest.attested.pcrDigest)) {
      problems.push({ code: 'pcr_digest', message: 'pcrDigest does not match the PCR values' });
    }
  }
  return { ok: problems.length === 0, attest, signature: sig, problems };
}
