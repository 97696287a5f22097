/**
 * TPM response codes (TPM 2.0 Part 2 §6.6, TPM_RC) and the error type that carries them.
 *
 * A response code has two formats (Part 2 §6.6.1, Figure 2/3):
 * - format 0 (bit 7 clear): VER1 (0x100) errors and WARN (0x900) warnings, no index;
 * - format 1 (bit 7 set): the error number is bits 5:0 plus 0x080, and bits 11:8 say which
 *   handle (P=0, N=1..7), session (P=0, N=8..15 → session N-8) or parameter (P=1, N=1..15)
 *   caused it.
 * `TpmError.is(TPM_RC.VALUE)` compares the *canonical* code, so a caller can ask "was it a
 * TPM_RC_VALUE?" whatever parameter the TPM blamed (as go-tpm's TPMRC.Is does).
 */
import { TlError } from '../core/errors.js';

export const TPM_RC = {
  SUCCESS: 0x000,
  BAD_TAG: 0x01e,
  // format 0, VER1
  INITIALIZE: 0x100,
  FAILURE: 0x101,
  SEQUENCE: 0x103,
  PRIVATE: 0x10b,
  HMAC: 0x119,
  DISABLED: 0x120,
  EXCLUSIVE: 0x121,
  AUTH_TYPE: 0x124,
  AUTH_MISSING: 0x125,
  POLICY: 0x126,
  PCR: 0x127,
  PCR_CHANGED: 0x128,
  UPGRADE: 0x12d,
  TOO_MANY_CONTEXTS: 0x12e,
  AUTH_UNAVAILABLE: 0x12f,
  REBOOT: 0x130,
  UNBALANCED: 0x131,
  COMMAND_SIZE: 0x142,
  COMMAND_CODE: 0x143,
  AUTHSIZE: 0x144,
  AUTH_CONTEXT: 0x145,
  NV_RANGE: 0x146,
  NV_SIZE: 0x147,
  NV_LOCKED: 0x148,
  NV_AUTHORIZATION: 0x149,
  NV_UNINITIALIZED: 0x14a,
  NV_SPACE: 0x14b,
  NV_DEFINED: 0x14c,
  BAD_CONTEXT: 0x150,
  CPHASH: 0x151,
  PARENT: 0x152,
  NEEDS_TEST: 0x153,
  NO_RESULT: 0x154,
  SENSITIVE: 0x155,
  // format 1
  ASYMMETRIC: 0x081,
  ATTRIBUTES: 0x082,
  HASH: 0x083,
  VALUE: 0x084,
  HIERARCHY: 0x085,
  KEY_SIZE: 0x087,
  MGF: 0x088,
  MODE: 0x089,
  TYPE: 0x08a,
  HANDLE: 0x08b,
  KDF: 0x08c,
  RANGE: 0x08d,
  AUTH_FAIL: 0x08e,
  NONCE: 0x08f,
  PP: 0x090,
  SCHEME: 0x092,
  SIZE: 0x095,
  SYMMETRIC: 0x096,
  TAG: 0x097,
  SELECTOR: 0x098,
  INSUFFICIENT: 0x09a,
  SIGNATURE: 0x09b,
  KEY: 0x09c,
  POLICY_FAIL: 0x09d,
  INTEGRITY: 0x09f,
  TICKET: 0x0a0,
  RESERVED_BITS: 0x0a1,
  BAD_AUTH: 0x0a2,
  EXPIRED: 0x0a3,
  POLICY_CC: 0x0a4,
  BINDING: 0x0a5,
  CURVE: 0x0a6,
  ECC_POINT: 0x0a7,
  // warnings
  CONTEXT_GAP: 0x901,
  OBJECT_MEMORY: 0x902,
  SESSION_MEMORY: 0x903,
  MEMORY: 0x904,
  SESSION_HANDLES: 0x905,
  OBJECT_HANDLES: 0x906,
  LOCALITY: 0x907,
  YIELDED: 0x908,
  CANCELED: 0x909,
  TESTING: 0x90a,
  REFERENCE_H0: 0x910,
  REFERENCE_S0: 0x918,
  NV_RATE: 0x920,
  LOCKOUT: 0x921,
  RETRY: 0x922,
  NV_UNAVAILABLE: 0x923,
} as const;

/** Part 2 §6.6.3 index modifiers for format-1 codes. */
export const RC_H = 0x000;
export const RC_P = 0x040;
export const RC_S = 0x800;
export const RC_1 = 0x100;

const NAMES = new Map<number, string>(Object.entries(TPM_RC).map(([k, v]) => [v, `TPM_RC_${k}`]));

export interface DecodedRc {
  /** The full code as returned by the TPM. */
  rc: number;
  /** The code without handle/parameter/session index. */
  base: number;
  /** TPM_RC_… name of the base code, or hex when unknown. */
  name: string;
  format: 0 | 1;
  warning: boolean;
  handle?: number;
  parameter?: number;
  session?: number;
}

/** Decode a TPM_RC into its canonical code and index (Part 2 §6.6). */
export function decodeRc(rc: number): DecodedRc {
  rc >>>= 0;
  if (rc & 0x080) {
    const base = 0x080 | (rc & 0x03f);
    const n = (rc >> 8) & 0xf;
    const out: DecodedRc = { rc, base, name: NAMES.get(base) ?? hexRc(base), format: 1, warning: false };
    if (rc & RC_P) out.parameter = n;
    else if (n & 0x8) out.session = n & 0x7;
    else if (n !== 0) out.handle = n;
    return out;
  }
  const base = rc & 0xfff;
  return { rc, base, name: NAMES.get(base) ?? hexRc(base), format: 0, warning: (rc & 0x900) === 0x900 };
}

function hexRc(rc: number): string {
  return `0x${rc.toString(16).padStart(3, '0')}`;
}

/** Human-readable form of a response code, e.g. "TPM_RC_VALUE (parameter 1)". */
export function rcToString(rc: number): string {
  const d = decodeRc(rc);
  const where =
    d.parameter !== undefined
      ? ` (parameter ${d.parameter})`
      : d.handle !== undefined
        ? ` (handle ${d.handle})`
        : d.session !== undefined
          ? ` (session ${d.session})`
          : '';
  return `${d.name}${where} [0x${(rc >>> 0).toString(16)}]`;
}

/** A TPM response code other than success, as an exception (client side and simulator actions). */
export class TpmError extends TlError {
  readonly rc: number;
  readonly decoded: DecodedRc;

  constructor(rc: number, message?: string, options?: { cause?: unknown }) {
    super('TpmError', message ? `${rcToString(rc)}: ${message}` : rcToString(rc), options);
    this.rc = rc >>> 0;
    this.decoded = decodeRc(rc);
  }

  /** True when the canonical code (index bits removed) equals `base`. */
  is(base: number): boolean {
    return this.decoded.base === base;
  }
}

/** Add a parameter index (1-based) to a format-1 code; format-0 codes are returned unchanged. */
export function rcParam(rc: number, index: number): number {
  return rc & 0x080 ? (rc & ~0xf40) | RC_P | ((index & 0xf) << 8) : rc;
}

/** Add a handle index (1-based) to a format-1 code. */
export function rcHandle(rc: number, index: number): number {
  return rc & 0x080 ? (rc & ~0xf40) | ((index & 0x7) << 8) : rc;
}

/** Add a session index (1-based: session 1 → N=9, i.e. TPM_RC_S + TPM_RC_1) to a format-1 code. */
export function rcSession(rc: number, index: number): number {
  return rc & 0x080 ? (rc & ~0xf40) | (((index & 0x7) | 0x8) << 8) : rc;
}

/** True when `e` is a TpmError whose canonical code is `base`. */
export function isRc(e: unknown, base: number): boolean {
  return e instanceof TpmError && e.is(base);
}
