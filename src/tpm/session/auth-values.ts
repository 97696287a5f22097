/**
 * Session computations shared by the client (which builds authorizations) and the simulator
 * (which checks them): TPM 2.0 Part 1 §19.6 (HMAC sessions), §19.7 (policy sessions) and §21
 * (session-based parameter encryption). The formulas follow ms-tpm-20-ref SessionProcess.c:
 *
 *   sessionKey = KDFa(authHash, bindAuth ‖ salt, "ATH", nonceTPM, nonceCaller, digestBits)
 *   cpHash     = H(commandCode ‖ name₁ … nameₙ ‖ parameters)
 *   rpHash     = H(TPM_RC_SUCCESS ‖ commandCode ‖ parameters)
 *   cmd HMAC   = HMAC(sessionKey ‖ authValue?, cpHash ‖ nonceCaller ‖ nonceTPM
 *                     [‖ nonceTPM_decrypt] [‖ nonceTPM_encrypt] ‖ sessionAttributes)
 *   rsp HMAC   = HMAC(sessionKey ‖ authValue?, rpHash ‖ nonceTPM ‖ nonceCaller ‖ sessionAttributes)
 *
 * authValue is included ("includeAuth") for an HMAC session unless the session is bound to the
 * authorized entity, and for a policy session only after PolicyAuthValue. Authorization values
 * are compared and used with trailing zero octets removed (Part 1 §19.6.4).
 * Parameter encryption uses sessionKey ‖ authValue of the authorized entity (when the session
 * authorizes one), with the newer nonce first: nonceCaller/nonceTPM for commands,
 * nonceTPM/nonceCaller for responses.
 */
import { concat } from '../../core/bytes.js';
import { hash } from '../../core/hash.js';
import { hashSize } from '../types/basic.js';
import { TPM_ALG } from '../types/constants.js';
import { kdfa } from '../crypto/kdf.js';
import { aesCfb, hmac, xorObfuscate } from '../crypto/symmetric.js';
import type { TPMT_SYM_DEF } from '../types/schemes.js';

/** Remove trailing zero octets (Part 1 §19.6.4). */
export function trimAuth(v: Uint8Array): Uint8Array {
  let n = v.length;
  while (n > 0 && v[n - 1] === 0) n--;
  return n === v.length ? v : v.subarray(0, n);
}

function u32(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/**
 * The session key: computed whenever the session is bound or salted — even when bindAuth ‖ salt
 * is empty (an empty HMAC key is valid; ms-tpm-20-ref SessionCreate) — and empty otherwise.
 */
export function sessionKeyOf(hashAlg: number, bound: boolean, bindAuth: Uint8Array, salt: Uint8Array, nonceTPM: Uint8Array, nonceCaller: Uint8Array): Uint8Array {
  if (!bound && salt.length === 0) return new Uint8Array(0);
  return kdfa(hashAlg, concat(trimAuth(bindAuth), salt), 'ATH', nonceTPM, nonceCaller, hashSize(hashAlg) * 8);
}

export function cpHash(hashAlg: number, commandCode: number, names: readonly Uint8Array[], params: Uint8Array): Uint8Array {
  return hash(hashAlg, u32(commandCode), ...names, params);
}

export function rpHash(hashAlg: number, commandCode: number, params: Uint8Array): Uint8Array {
  return hash(hashAlg, u32(0), u32(commandCode), params);
}

/** The command HMAC; empty when the key is empty and the caller sent an empty HMAC (ms-tpm ComputeCommandHMAC). */
export function commandHmac(
  hashAlg: number,
  key: Uint8Array,
  cp: Uint8Array,
  nonceCaller: Uint8Array,
  nonceTPM: Uint8Array,
  extraNonces: readonly Uint8Array[],
  attributes: number,
): Uint8Array {
  return hmac(hashAlg, key, cp, nonceCaller, nonceTPM, ...extraNonces, new Uint8Array([attributes]));
}

export function responseHmac(hashAlg: number, key: Uint8Array, rp: Uint8Array, nonceTPM: Uint8Array, nonceCaller: Uint8Array, attributes: number): Uint8Array {
  return hmac(hashAlg, key, rp, nonceTPM, nonceCaller, new Uint8Array([attributes]));
}

/**
 * Encrypt or decrypt the data bytes of a first parameter (not its size field) in place of a copy
 * (Part 1 §21.2 XOR, §21.3 CFB).
 */
export function paramCrypt(
  encrypt: boolean,
  hashAlg: number,
  sym: TPMT_SYM_DEF,
  sessionValue: Uint8Array,
  nonceNewer: Uint8Array,
  nonceOlder: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  if (sym.algorithm === TPM_ALG.XOR) return xorObfuscate(hashAlg, sessionValue, nonceNewer, nonceOlder, data);
  if (sym.algorithm !== TPM_ALG.AES || sym.mode !== TPM_ALG.CFB) throw new RangeError('parameter encryption needs AES-CFB or XOR');
  const bits = sym.keyBits;
  const km = kdfa(hashAlg, sessionValue, 'CFB', nonceNewer, nonceOlder, bits + 128);
  return aesCfb(encrypt, km.subarray(0, bits / 8), km.subarray(bits / 8), data);
}
