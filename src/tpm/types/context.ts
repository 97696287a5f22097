/**
 * Saved contexts (TPM 2.0 Part 2 §14.3) and the authorization areas of commands and
 * responses (Part 2 §10.13).
 */
import { type Codec, struct, UINT32, UINT64, UINT8 } from './codec.js';
import { TPM2B_AUTH, TPM2B_CONTEXT_DATA, TPM2B_NONCE } from './basic.js';

/** TPMS_CONTEXT (Part 2 §14.3). `contextBlob` is opaque: only the TPM that saved it reads it. */
export interface TPMS_CONTEXT {
  sequence: bigint;
  savedHandle: number;
  hierarchy: number;
  contextBlob: Uint8Array;
}
export const TPMS_CONTEXT: Codec<TPMS_CONTEXT> = struct('TPMS_CONTEXT', {
  sequence: UINT64,
  savedHandle: UINT32,
  hierarchy: UINT32,
  contextBlob: TPM2B_CONTEXT_DATA,
});

/** TPMS_AUTH_COMMAND (Part 2 §10.13.2). */
export interface TPMS_AUTH_COMMAND {
  sessionHandle: number;
  nonce: Uint8Array;
  sessionAttributes: number;
  hmac: Uint8Array;
}
export const TPMS_AUTH_COMMAND: Codec<TPMS_AUTH_COMMAND> = struct('TPMS_AUTH_COMMAND', {
  sessionHandle: UINT32,
  nonce: TPM2B_NONCE,
  sessionAttributes: UINT8,
  hmac: TPM2B_AUTH,
});

/** TPMS_AUTH_RESPONSE (Part 2 §10.13.3). */
export interface TPMS_AUTH_RESPONSE {
  nonce: Uint8Array;
  sessionAttributes: number;
  hmac: Uint8Array;
}
export const TPMS_AUTH_RESPONSE: Codec<TPMS_AUTH_RESPONSE> = struct('TPMS_AUTH_RESPONSE', {
  nonce: TPM2B_NONCE,
  sessionAttributes: UINT8,
  hmac: TPM2B_AUTH,
});
