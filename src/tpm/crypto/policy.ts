/**
 * Policy digests computed in software (TPM 2.0 Part 3 §23): what a TPM accumulates in a policy
 * session's policyDigest, so a caller can build an object's authPolicy, or a verifier can check
 * one, without a TPM. Values equal what swtpm/tpm2-tools compute (e.g. the TCG EK policy
 * PolicySecret(TPM_RH_ENDORSEMENT) = 837197674484b3f8…b331469aa, Part 2 / EK Credential Profile).
 */
import { concat } from '../../core/bytes.js';
import { hash } from '../../core/hash.js';
import { marshal } from '../types/codec.js';
import { hashSize } from '../types/basic.js';
import { TPM_CC, TPM_RH } from '../types/constants.js';
import { type TPMS_PCR_SELECTION, TPML_PCR_SELECTION } from '../types/pcr.js';
import { handleName } from './name.js';

function u32(n: number): Uint8Array {
  return handleName(n);
}

/** The initial policyDigest: all zeros, digest-sized (Part 1 §19.7.2). */
export function policyStart(hashAlg: number): Uint8Array {
  return new Uint8Array(hashSize(hashAlg));
}

/** PolicyUpdate (Part 3 §23.2.3): H(H(old ‖ cc ‖ arg2) ‖ arg3). */
export function policyUpdate(hashAlg: number, old: Uint8Array, commandCode: number, arg2: Uint8Array, arg3: Uint8Array): Uint8Array {
  const d = hash(hashAlg, old, u32(commandCode), arg2);
  return hash(hashAlg, d, arg3);
}

/** TPM2_PolicySecret (Part 3 §23.4): PolicyUpdate(CC_PolicySecret, authObject Name, policyRef). */
export function policySecret(hashAlg: number, old: Uint8Array, authObjectName: Uint8Array, policyRef: Uint8Array = new Uint8Array(0)): Uint8Array {
  return policyUpdate(hashAlg, old, TPM_CC.PolicySecret, authObjectName, policyRef);
}

/** TPM2_PolicyPCR (Part 3 §23.7): H(old ‖ CC_PolicyPCR ‖ TPML_PCR_SELECTION ‖ pcrDigest). */
export function policyPcr(hashAlg: number, old: Uint8Array, pcrs: TPMS_PCR_SELECTION[], pcrDigest: Uint8Array): Uint8Array {
  return hash(hashAlg, old, u32(TPM_CC.PolicyPCR), marshal(TPML_PCR_SELECTION, pcrs), pcrDigest);
}

/** TPM2_PolicyCommandCode (Part 3 §23.11). */
export function policyCommandCode(hashAlg: number, old: Uint8Array, code: number): Uint8Array {
  return hash(hashAlg, old, u32(TPM_CC.PolicyCommandCode), u32(code));
}

/** TPM2_PolicyAuthValue (Part 3 §23.17). */
export function policyAuthValue(hashAlg: number, old: Uint8Array): Uint8Array {
  return hash(hashAlg, old, u32(TPM_CC.PolicyAuthValue));
}

/** TPM2_PolicyPassword (Part 3 §23.18): the same digest as PolicyAuthValue, by design. */
export function policyPassword(hashAlg: number, old: Uint8Array): Uint8Array {
  return hash(hashAlg, old, u32(TPM_CC.PolicyAuthValue));
}

/** TPM2_PolicyOR (Part 3 §23.6): H(0…0 ‖ CC_PolicyOR ‖ digests). */
export function policyOr(hashAlg: number, digests: readonly Uint8Array[]): Uint8Array {
  return hash(hashAlg, policyStart(hashAlg), u32(TPM_CC.PolicyOR), concat(...digests));
}

/** The TCG EK authPolicy: PolicySecret(TPM_RH_ENDORSEMENT) from an empty digest (EK Credential Profile §2.1.5). */
export function ekPolicy(hashAlg: number): Uint8Array {
  return policySecret(hashAlg, policyStart(hashAlg), handleName(TPM_RH.ENDORSEMENT));
}
