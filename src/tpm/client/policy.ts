/** Sessions and policy commands (TPM 2.0 Part 3 §11, §23) for TpmClient. */
import { randomBytes } from 'node:crypto';
import * as C from '../commands/index.js';
import type { ResponseOf } from '../commands/define.js';
import { encryptSecret } from '../crypto/secret.js';
import { hashSize } from '../types/basic.js';
import { TPM_ALG, TPM_RH, TPM_SE, TPMA_SESSION } from '../types/constants.js';
import type { TPMS_PCR_SELECTION } from '../types/pcr.js';
import type { TPMT_PUBLIC } from '../types/public.js';
import { SYM_NULL, type TPMT_SYM_DEF } from '../types/schemes.js';
import { sessionKeyOf } from '../session/auth-values.js';
import { EMPTY } from './core.js';
import type { Authorization } from './execute.js';
import { KeyClient } from './keys.js';
import { AuthSession } from './session.js';

export interface StartSessionOptions {
  /** TPM_SE_HMAC (default), TPM_SE_POLICY or TPM_SE_TRIAL. */
  type?: number;
  /** Session hash (default SHA-256). */
  hashAlg?: number;
  /** Parameter-encryption algorithm (default TPM_ALG_NULL: no encryption possible). */
  symmetric?: TPMT_SYM_DEF;
  /** Salt the session to this loaded key (its public area encrypts the salt, Part 1 §19.6.9). */
  tpmKey?: { handle: number; public: TPMT_PUBLIC };
  /** Bind the session to an entity (its authValue enters the session key). */
  bind?: { handle: number; name: Uint8Array; authValue: Uint8Array };
  /** TPMA_SESSION bits to send with each use (default continueSession). */
  attributes?: number;
}

export class PolicyClient extends KeyClient {
  async startAuthSession(opts: StartSessionOptions = {}): Promise<AuthSession> {
    const hashAlg = opts.hashAlg ?? TPM_ALG.SHA256;
    const type = opts.type ?? TPM_SE.HMAC;
    const symmetric = opts.symmetric ?? SYM_NULL;
    const nonceCaller = new Uint8Array(randomBytes(hashSize(hashAlg)));
    let salt: Uint8Array = EMPTY;
    let encryptedSalt: Uint8Array = EMPTY;
    if (opts.tpmKey) {
      const s = encryptSecret(opts.tpmKey.public, 'SECRET');
      salt = s.seed;
      encryptedSalt = s.encrypted;
    }
    const { handle, out } = await this.run(
      C.TPM2_StartAuthSession,
      { nonceCaller, encryptedSalt, sessionType: type, symmetric, authHash: hashAlg },
      { handles: [opts.tpmKey?.handle ?? TPM_RH.NULL, opts.bind?.handle ?? TPM_RH.NULL] },
    );
    const session = new AuthSession({
      handle: handle!,
      type,
      hashAlg,
      symmetric,
      sessionKey: sessionKeyOf(hashAlg, opts.bind !== undefined, opts.bind?.authValue ?? EMPTY, salt, out.nonceTPM, nonceCaller),
      nonceTPM: out.nonceTPM,
      nonceCaller,
      ...(opts.bind ? { bind: { name: opts.bind.name, authValue: opts.bind.authValue } } : {}),
    });
    session.attributes = opts.attributes ?? TPMA_SESSION.continueSession;
    return session;
  }

  /** TPM2_PolicySecret: prove knowledge of `authHandle`'s authorization (e.g. TPM_RH_ENDORSEMENT for an EK). */
  async policySecret(
    authHandle: number,
    session: AuthSession,
    opts: { authorization?: Authorization; nonceTPM?: Uint8Array; cpHashA?: Uint8Array; policyRef?: Uint8Array; expiration?: number } = {},
  ): Promise<ResponseOf<typeof C.TPM2_PolicySecret>> {
    const { out } = await this.run(
      C.TPM2_PolicySecret,
      { nonceTPM: opts.nonceTPM ?? EMPTY, cpHashA: opts.cpHashA ?? EMPTY, policyRef: opts.policyRef ?? EMPTY, expiration: opts.expiration ?? 0 },
      { handles: [authHandle, session.handle], auth: opts.authorization ? [opts.authorization] : [] },
    );
    return out;
  }

  async policyPcr(session: AuthSession, pcrs: TPMS_PCR_SELECTION[], pcrDigest: Uint8Array = EMPTY): Promise<void> {
    await this.run(C.TPM2_PolicyPCR, { pcrDigest, pcrs }, { handles: [session.handle] });
  }

  async policyCommandCode(session: AuthSession, code: number): Promise<void> {
    await this.run(C.TPM2_PolicyCommandCode, { code }, { handles: [session.handle] });
  }

  async policyAuthValue(session: AuthSession): Promise<void> {
    await this.run(C.TPM2_PolicyAuthValue, {}, { handles: [session.handle] });
    session.authValueNeeded = true;
  }

  async policyPassword(session: AuthSession): Promise<void> {
    await this.run(C.TPM2_PolicyPassword, {}, { handles: [session.handle] });
    session.passwordNeeded = true;
  }

  async policyOr(session: AuthSession, pHashList: Uint8Array[]): Promise<void> {
    await this.run(C.TPM2_PolicyOR, { pHashList }, { handles: [session.handle] });
  }

  async policyRestart(session: AuthSession): Promise<void> {
    await this.run(C.TPM2_PolicyRestart, {}, { handles: [session.handle] });
    session.authValueNeeded = false;
    session.passwordNeeded = false;
  }

  async policyGetDigest(session: AuthSession): Promise<Uint8Array> {
    return (await this.run(C.TPM2_PolicyGetDigest, {}, { handles: [session.handle] })).out.policyDigest;
  }

  /** Flush a session and mark it closed. */
  async flushSession(session: AuthSession): Promise<void> {
    await this.flushContext(session.handle);
    session.open = false;
  }
}
