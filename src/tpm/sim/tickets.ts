/**
 * Tickets (TPM 2.0 Part 2 §10.7): HMACs keyed with a hierarchy's proof value that let the TPM
 * later trust something it computed earlier. The HMAC hash is SHA-256 throughout (the context
 * integrity hash of this implementation).
 */
import { TPM_ALG, TPM_RH, TPM_ST } from '../types/constants.js';
import type { TPMT_TK } from '../types/creation.js';
import { hmac } from '../crypto/symmetric.js';
import type { TpmState } from './tpm-state.js';

function u16(n: number): Uint8Array {
  return new Uint8Array([n >> 8, n & 0xff]);
}

export function nullTicket(tag: number): TPMT_TK {
  return { tag, hierarchy: TPM_RH.NULL, digest: new Uint8Array(0) };
}

function ticket(tpm: TpmState, tag: number, hierarchy: number, ...parts: Uint8Array[]): TPMT_TK {
  return { tag, hierarchy, digest: hmac(TPM_ALG.SHA256, tpm.hierarchy.proofOf(hierarchy), u16(tag), ...parts) };
}

/** TPMT_TK_CREATION (Part 2 §10.7.3): HMAC(proof, TPM_ST_CREATION ‖ name ‖ creationHash). */
export function creationTicket(tpm: TpmState, hierarchy: number, name: Uint8Array, creationHash: Uint8Array): TPMT_TK {
  return ticket(tpm, TPM_ST.CREATION, hierarchy, name, creationHash);
}

/** TPMT_TK_HASHCHECK (Part 2 §10.7.6): HMAC(proof, TPM_ST_HASHCHECK ‖ digest). */
export function hashcheckTicket(tpm: TpmState, hierarchy: number, digest: Uint8Array): TPMT_TK {
  return ticket(tpm, TPM_ST.HASHCHECK, hierarchy, digest);
}

/** TPMT_TK_VERIFIED (Part 2 §10.7.4): HMAC(proof, TPM_ST_VERIFIED ‖ digest ‖ keyName). */
export function verifiedTicket(tpm: TpmState, hierarchy: number, digest: Uint8Array, keyName: Uint8Array): TPMT_TK {
  return ticket(tpm, TPM_ST.VERIFIED, hierarchy, digest, keyName);
}

/** TPMT_TK_AUTH (Part 2 §10.7.5) for PolicySecret with a negative expiration. */
export function authTicket(tpm: TpmState, hierarchy: number, timeout: Uint8Array, cpHashA: Uint8Array, policyRef: Uint8Array, authName: Uint8Array): TPMT_TK {
  return ticket(tpm, TPM_ST.AUTH_SECRET, hierarchy, timeout, cpHashA, policyRef, authName);
}

/** Is `t` a valid ticket of `tag` over `parts` (constant-length compare)? */
export function checkTicket(tpm: TpmState, t: TPMT_TK, tag: number, ...parts: Uint8Array[]): boolean {
  // A NULL Ticket (empty digest, Part 2 §10.7.1) never validates.
  if (t.tag !== tag || t.digest.length === 0) return false;
  const want = ticket(tpm, tag, t.hierarchy, ...parts).digest;
  if (want.length !== t.digest.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want[i]! ^ t.digest[i]!;
  return diff === 0;
}
