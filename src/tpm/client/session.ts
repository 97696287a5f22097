/**
 * Client-side state of an authorization session (TPM 2.0 Part 1 §19): the nonces that roll on
 * each use, the session key, the symmetric definition for parameter encryption, and — for
 * policy sessions — whether PolicyAuthValue/PolicyPassword were asserted (which changes how
 * the authorization is computed). Created by TpmClient.startAuthSession().
 */
import { randomBytes } from 'node:crypto';
import { bytesEqual, concat } from '../../core/bytes.js';
import { hashSize } from '../types/basic.js';
import { TPM_SE, TPMA_SESSION } from '../types/constants.js';
import type { TPMS_AUTH_COMMAND, TPMS_AUTH_RESPONSE } from '../types/context.js';
import type { TPMT_SYM_DEF } from '../types/schemes.js';
import { TpmError } from '../rc.js';
import { commandHmac, paramCrypt, responseHmac, trimAuth } from '../session/auth-values.js';

export interface SessionUse {
  /** The entity this session authorizes (undefined for an encrypt/decrypt/audit-only session). */
  entity?: { name: Uint8Array; authValue: Uint8Array };
}

export class AuthSession {
  readonly handle: number;
  readonly type: number;
  readonly hashAlg: number;
  readonly symmetric: TPMT_SYM_DEF;
  readonly sessionKey: Uint8Array;
  nonceTPM: Uint8Array;
  nonceCaller: Uint8Array = new Uint8Array(0);
  /** TPMA_SESSION bits sent with each use (continueSession by default). */
  attributes: number = TPMA_SESSION.continueSession;
  /** For a bound HMAC session: the bind entity's Name and authValue. */
  readonly bind: { name: Uint8Array; authValue: Uint8Array } | undefined;
  /** Policy sessions: set after PolicyAuthValue / PolicyPassword. */
  authValueNeeded = false;
  passwordNeeded = false;
  /** False once the TPM flushed the session (continueSession clear, or FlushContext). */
  open = true;

  constructor(init: {
    handle: number;
    type: number;
    hashAlg: number;
    symmetric: TPMT_SYM_DEF;
    sessionKey: Uint8Array;
    nonceTPM: Uint8Array;
    nonceCaller: Uint8Array;
    bind?: { name: Uint8Array; authValue: Uint8Array };
  }) {
    this.handle = init.handle;
    this.type = init.type;
    this.hashAlg = init.hashAlg;
    this.symmetric = init.symmetric;
    this.sessionKey = init.sessionKey;
    this.nonceTPM = init.nonceTPM;
    this.nonceCaller = init.nonceCaller;
    this.bind = init.bind;
  }

  get isPolicy(): boolean {
    return this.type === TPM_SE.POLICY || this.type === TPM_SE.TRIAL;
  }

  /** Whether the entity's authValue goes into the HMAC key (ms-tpm includeAuth). */
  includeAuth(use: SessionUse): boolean {
    if (!use.entity) return false;
    if (this.isPolicy) return this.authValueNeeded || this.passwordNeeded;
    return !(this.bind && bytesEqual(this.bind.name, use.entity.name) && bytesEqual(trimAuth(this.bind.authValue), trimAuth(use.entity.authValue)));
  }

  private hmacKey(use: SessionUse): Uint8Array {
    return this.includeAuth(use) ? concat(this.sessionKey, trimAuth(use.entity!.authValue)) : this.sessionKey;
  }

  /** sessionKey ‖ authValue of the authorized entity, for parameter encryption. */
  private sessionValue(use: SessionUse): Uint8Array {
    return use.entity ? concat(this.sessionKey, trimAuth(use.entity.authValue)) : this.sessionKey;
  }

  /** Roll the caller nonce for a new command. */
  newNonce(): void {
    this.nonceCaller = new Uint8Array(randomBytes(hashSize(this.hashAlg)));
  }

  /** The authorization for one command; `cp` is the cpHash with this session's hash. */
  authorize(use: SessionUse, cp: Uint8Array, extraNonces: readonly Uint8Array[], attrs: number = this.attributes): TPMS_AUTH_COMMAND {
    let mac: Uint8Array;
    if (this.isPolicy && this.passwordNeeded) mac = trimAuth(use.entity?.authValue ?? new Uint8Array(0));
    else {
      const key = this.hmacKey(use);
      mac = commandHmac(this.hashAlg, key, cp, this.nonceCaller, this.nonceTPM, extraNonces, attrs);
    }
    return { sessionHandle: this.handle, nonce: this.nonceCaller, sessionAttributes: attrs, hmac: mac };
  }

  /** Encrypt the first command parameter's data bytes (this session has the decrypt attribute). */
  encryptCommand(use: SessionUse, data: Uint8Array): Uint8Array {
    return paramCrypt(true, this.hashAlg, this.symmetric, this.sessionValue(use), this.nonceCaller, this.nonceTPM, data);
  }

  /** Decrypt the first response parameter's data bytes (this session has the encrypt attribute). */
  decryptResponse(use: SessionUse, data: Uint8Array): Uint8Array {
    return paramCrypt(false, this.hashAlg, this.symmetric, this.sessionValue(use), this.nonceTPM, this.nonceCaller, data);
  }

  /**
   * Check the response authorization and take the new nonceTPM. `entityAuthAfter` is the
   * entity's authValue after the command (it differs for TPM2_HierarchyChangeAuth).
   */
  acceptResponse(use: SessionUse, rp: Uint8Array, auth: TPMS_AUTH_RESPONSE): void {
    this.nonceTPM = auth.nonce;
    if (!(auth.sessionAttributes & TPMA_SESSION.continueSession)) this.open = false;
    const password = this.isPolicy && this.passwordNeeded;
    const key = this.hmacKey(use);
    // A policy session's policy state restarts after each use (ms-tpm UpdateInternalSession).
    if (this.isPolicy) {
      this.authValueNeeded = false;
      this.passwordNeeded = false;
    }
    if (password) return;
    const expect = key.length === 0 && auth.hmac.length === 0 ? auth.hmac : responseHmac(this.hashAlg, key, rp, auth.nonce, this.nonceCaller, auth.sessionAttributes);
    if (!bytesEqual(expect, auth.hmac)) throw new TpmError(0x0a2, 'response HMAC does not verify (session tampered or key mismatch)');
  }
}
