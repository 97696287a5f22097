/**
 * Authorization sessions of one command, on the TPM side (TPM 2.0 Part 1 §19, Part 3 §5;
 * the checks and their order follow ms-tpm-20-ref SessionProcess.c):
 *  1. parse the authorization area (at most three sessions; password sessions carry no nonce
 *     and only continueSession; a session handle must be loaded and of the right type);
 *  2. associate sessions with the handles that need authorization (TPM_RC_AUTH_MISSING);
 *  3. for each session: password, HMAC or policy check by the handle's role (USER/ADMIN/DUP):
 *     a policy session is required for ADMIN role on an object with adminWithPolicy, and a USER
 *     role needs userWithAuth for password/HMAC (TPM_RC_AUTH_UNAVAILABLE) — which is what makes
 *     the EK usable only through PolicySecret(TPM_RH_ENDORSEMENT);
 *  4. decrypt the first parameter for a session with `decrypt`.
 * After the action, `buildResponseAuth` rolls nonceTPM, encrypts the first response parameter
 * and computes each response HMAC.
 */
import { timingSafeEqual } from 'node:crypto';
import { ByteReader, ByteWriter, bytesEqual, concat } from '../../core/bytes.js';
import type { CommandDef } from '../commands/define.js';
import { rcSession, TPM_RC } from '../rc.js';
import { MAX_DIGEST, TPM2B_AUTH, TPM2B_NONCE } from '../types/basic.js';
import { TPM_CC, TPM_HT, TPM_RS_PW, TPM_SE, TPMA_NV, TPMA_OBJECT, TPMA_SESSION } from '../types/constants.js';
import { commandHmac, cpHash, paramCrypt, responseHmac, rpHash, trimAuth } from '../session/auth-values.js';
import { entityAuthPolicy, entityAuthValue, entityName, isDaExempt, type Entity } from './entity.js';
import { emptyPolicy, type SimSession } from './state/sessions.js';
import type { TpmState } from './tpm-state.js';

export interface CommandSession {
  handle: number;
  nonceCaller: Uint8Array;
  attributes: number;
  hmac: Uint8Array;
  session?: SimSession;
  /** The entity this session authorizes (its index in the handle area), if any. */
  entity?: Entity;
  includeAuth: boolean;
}

export interface CommandAuth {
  sessions: CommandSession[];
  decryptIndex: number;
  encryptIndex: number;
}

const WRITE_COMMANDS = new Set<number>([TPM_CC.NV_Write]);

const EMPTY = new Uint8Array(0);

/**
 * Step 1 for the common case, read in place: one password session (TPM_RS_PW, empty nonce, only
 * continueSession, an HMAC field that ends the area). Returns undefined for anything else, which
 * parseAuthArea then parses and judges; for what it accepts, the result is what parseAuthArea
 * returns, without a sub-reader and two TPM2B decodes per command.
 */
export function parsePasswordAuth(b: Uint8Array, at: number, size: number): CommandAuth | undefined {
  if (size < 9 || size > 9 + MAX_DIGEST) return undefined;
  if (b[at] !== 0x40 || b[at + 1] !== 0x00 || b[at + 2] !== 0x00 || b[at + 3] !== 0x09) return undefined;
  if (b[at + 4] !== 0 || b[at + 5] !== 0) return undefined;
  const attributes = b[at + 6]!;
  if (attributes & ~TPMA_SESSION.continueSession) return undefined;
  const n = (b[at + 7]! << 8) | b[at + 8]!;
  if (9 + n !== size) return undefined;
  const hmac = n === 0 ? EMPTY : b.slice(at + 9, at + 9 + n);
  return { sessions: [{ handle: TPM_RS_PW, nonceCaller: EMPTY, attributes, hmac, includeAuth: true }], decryptIndex: -1, encryptIndex: -1 };
}

/** Step 1: parse the authorization area `area` (already cut to authSize). Returns sessions or an RC. */
export function parseAuthArea(tpm: TpmState, def: CommandDef, area: ByteReader): CommandAuth | number {
  const sessions: CommandSession[] = [];
  let decryptIndex = -1;
  let encryptIndex = -1;
  while (!area.atEnd) {
    const i = sessions.length;
    const S = (rc: number) => rcSession(rc, i + 1);
    if (i === 3) return S(TPM_RC.SIZE);
    let handle: number;
    let nonceCaller: Uint8Array;
    let attributes: number;
    let hmac: Uint8Array;
    try {
      handle = area.u32be();
      nonceCaller = TPM2B_NONCE.decode(area);
      attributes = area.u8();
      hmac = TPM2B_AUTH.decode(area);
    } catch (e) {
      const rc = (e as { rc?: number }).rc ?? TPM_RC.INSUFFICIENT;
      return S(rc);
    }
    const ht = handle >>> 24;
    if (handle !== TPM_RS_PW && ht !== TPM_HT.HMAC_SESSION && ht !== TPM_HT.POLICY_SESSION) return S(TPM_RC.VALUE);
    if (attributes & TPMA_SESSION.reserved) return S(TPM_RC.RESERVED_BITS);
    if (handle === TPM_RS_PW) {
      if (attributes & ~TPMA_SESSION.continueSession) return S(TPM_RC.ATTRIBUTES);
      if (nonceCaller.length !== 0) return S(TPM_RC.NONCE);
      sessions.push({ handle, nonceCaller, attributes, hmac, includeAuth: true });
      continue;
    }
    const session = tpm.sessions.getLoaded(handle);
    if (!session) return TPM_RC.REFERENCE_S0 + i;
    if ((session.type === TPM_SE.HMAC) !== (ht === TPM_HT.HMAC_SESSION)) return S(TPM_RC.HANDLE);
    if (sessions.some((s) => s.handle === handle)) return S(TPM_RC.HANDLE);
    if (attributes & TPMA_SESSION.decrypt) {
      if (!def.params.sized || decryptIndex >= 0) return S(TPM_RC.ATTRIBUTES);
      if (session.symmetric.algorithm === 0x0010) return S(TPM_RC.SYMMETRIC);
      decryptIndex = i;
    }
    if (attributes & TPMA_SESSION.encrypt) {
      if (!def.response.sized || encryptIndex >= 0) return S(TPM_RC.ATTRIBUTES);
      if (session.symmetric.algorithm === 0x0010) return S(TPM_RC.SYMMETRIC);
      encryptIndex = i;
    }
    // Session audit (TPM2_GetSessionAuditDigest) is not implemented.
    if (attributes & (TPMA_SESSION.audit | TPMA_SESSION.auditExclusive | TPMA_SESSION.auditReset)) return S(TPM_RC.ATTRIBUTES);
    sessions.push({ handle, nonceCaller, attributes, hmac, session, includeAuth: false });
  }
  return { sessions, decryptIndex, encryptIndex };
}

function isPolicyRequired(def: CommandDef, role: string | undefined, e: Entity): boolean {
  if (role === 'DUP') return true;
  if (role === 'ADMIN') {
    if (e.object && !(e.object.public.objectAttributes & TPMA_OBJECT.adminWithPolicy)) return false;
    return true;
  }
  return false;
}

function isAuthValueAvailable(def: CommandDef, role: string | undefined, e: Entity): boolean {
  if (e.kind === 'permanent' || e.kind === 'pcr') return true;
  if (e.object) {
    const a = e.object.public.objectAttributes;
    return e.object.sensitive !== undefined && ((a & TPMA_OBJECT.userWithAuth) !== 0 || (role === 'ADMIN' && (a & TPMA_OBJECT.adminWithPolicy) === 0));
  }
  if (e.nv) {
    const a = e.nv.public.attributes;
    return WRITE_COMMANDS.has(def.code) ? (a & TPMA_NV.AUTHWRITE) !== 0 : (a & TPMA_NV.AUTHREAD) !== 0;
  }
  return false;
}

function isAuthPolicyAvailable(def: CommandDef, role: string | undefined, e: Entity): boolean {
  if (e.object) return e.object.sensitive !== undefined;
  if (e.nv) {
    if (e.nv.public.authPolicy.length === 0) return false;
    if (isPolicyRequired(def, role, e)) return true;
    const a = e.nv.public.attributes;
    return WRITE_COMMANDS.has(def.code) ? (a & TPMA_NV.POLICYWRITE) !== 0 : (a & TPMA_NV.POLICYREAD) !== 0;
  }
  return false;
}

function checkPolicy(tpm: TpmState, def: CommandDef, role: string | undefined, e: Entity, s: SimSession, cp: (alg: number) => Uint8Array): number {
  const p = s.policy;
  if (def.code === TPM_CC.PolicySecret && !p.isPasswordNeeded && !p.isAuthValueNeeded) return TPM_RC.MODE;
  if (p.pcrCounter !== undefined && p.pcrCounter !== tpm.pcrs.updateCounter) return TPM_RC.PCR_CHANGED;
  const policy = entityAuthPolicy(e);
  if (!policy || !bytesEqual(policy.digest, p.policyDigest)) return TPM_RC.POLICY_FAIL;
  if (policy.alg !== s.hashAlg) return TPM_RC.POLICY_FAIL;
  if (p.commandCode !== 0) {
    if (p.commandCode !== def.code) return TPM_RC.POLICY_CC;
  } else if (role === 'ADMIN' || role === 'DUP') return TPM_RC.POLICY_FAIL;
  if (p.cpHash && !bytesEqual(p.cpHash, cp(s.hashAlg))) return TPM_RC.POLICY_FAIL;
  return 0;
}

/** The expected command HMAC of session `i` (ms-tpm ComputeCommandHMAC). */
function expectedHmac(tpm: TpmState, auth: CommandAuth, i: number, cp: (alg: number) => Uint8Array): Uint8Array {
  const cs = auth.sessions[i]!;
  const s = cs.session!;
  const key = cs.includeAuth && cs.entity ? concat(s.sessionKey, entityAuthValue(tpm, cs.entity)) : s.sessionKey;
  if (key.length === 0 && cs.hmac.length === 0) return new Uint8Array(0);
  const extra: Uint8Array[] = [];
  if (i === 0 && cs.entity) {
    if (auth.decryptIndex > 0) extra.push(auth.sessions[auth.decryptIndex]!.session!.nonceTPM);
    if (auth.encryptIndex > 0 && auth.encryptIndex !== auth.decryptIndex) extra.push(auth.sessions[auth.encryptIndex]!.session!.nonceTPM);
  }
  return commandHmac(s.hashAlg, key, cp(s.hashAlg), cs.nonceCaller, s.nonceTPM, extra, cs.attributes);
}

/** Constant-time comparison (the length is not secret). */
function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.length > 64) return timingSafeEqual(a, b);
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

const ROLES = new WeakMap<CommandDef, (string | undefined)[]>();

/** The roles of the handles that need authorization, in order (computed once per command). */
function rolesOf(def: CommandDef): (string | undefined)[] {
  let r = ROLES.get(def);
  if (!r) ROLES.set(def, (r = def.handles.filter((h) => h.auth).map((h) => h.auth)));
  return r;
}

/**
 * Steps 2–4. `params` is the raw parameter area; returns the (possibly decrypted) parameters
 * or a response code.
 */
export function authorize(tpm: TpmState, def: CommandDef, entities: Entity[], auth: CommandAuth, params: Uint8Array): Uint8Array | number {
  // 2. associate
  let k = 0;
  for (let h = 0; h < def.handles.length; h++) {
    if (!def.handles[h]!.auth) continue;
    if (k >= auth.sessions.length) return TPM_RC.AUTH_MISSING;
    auth.sessions[k]!.entity = entities[h];
    k++;
  }
  const roles = rolesOf(def);
  let cpCache: Map<number, Uint8Array> | undefined;
  const cp = (alg: number): Uint8Array => {
    cpCache ??= new Map();
    let c = cpCache.get(alg);
    if (!c) cpCache.set(alg, (c = cpHash(alg, def.code, entities.map(entityName), params)));
    return c;
  };
  // 3. check each session
  for (let i = 0; i < auth.sessions.length; i++) {
    const cs = auth.sessions[i]!;
    const S = (rc: number) => rcSession(rc, i + 1);
    const s = cs.session;
    if (!s) {
      if (!cs.entity) return S(TPM_RC.HANDLE);
    } else if (s.type === TPM_SE.TRIAL) return S(TPM_RC.ATTRIBUTES);
    if (!cs.entity) {
      if (!(cs.attributes & (TPMA_SESSION.encrypt | TPMA_SESSION.decrypt))) return S(TPM_RC.ATTRIBUTES);
      cs.includeAuth = false;
      if (!equal(expectedHmac(tpm, auth, i, cp), cs.hmac)) return S(TPM_RC.BAD_AUTH);
      continue;
    }
    const e = cs.entity;
    const role = roles[i];
    if (s) {
      cs.includeAuth =
        s.type === TPM_SE.POLICY ? s.policy.isAuthValueNeeded || s.policy.isPasswordNeeded : !(s.boundEntity && bytesEqual(s.boundEntity, concat(entityName(e), entityAuthValue(tpm, e))));
    }
    if (!s || s.type === TPM_SE.HMAC) {
      if (isPolicyRequired(def, role, e)) return S(TPM_RC.AUTH_TYPE);
      if (!isAuthValueAvailable(def, role, e)) return S(TPM_RC.AUTH_UNAVAILABLE);
    } else {
      if (!isAuthPolicyAvailable(def, role, e)) return S(TPM_RC.AUTH_UNAVAILABLE);
      const rc = checkPolicy(tpm, def, role, e, s, cp);
      if (rc) return S(rc);
    }
    const fail = () => {
      const da = !isDaExempt(e) && (!s || cs.includeAuth);
      return S(da ? TPM_RC.AUTH_FAIL : TPM_RC.BAD_AUTH);
    };
    if (!s || s.policy.isPasswordNeeded) {
      if (!equal(trimAuth(cs.hmac), entityAuthValue(tpm, e))) return fail();
    } else if (!equal(expectedHmac(tpm, auth, i, cp), cs.hmac)) return fail();
  }
  // 4. parameter decryption
  if (auth.decryptIndex >= 0) {
    const cs = auth.sessions[auth.decryptIndex]!;
    const s = cs.session!;
    if (params.length < 2) return rcSession(TPM_RC.SIZE, auth.decryptIndex + 1);
    const n = (params[0]! << 8) | params[1]!;
    if (n + 2 > params.length) return rcSession(TPM_RC.SIZE, auth.decryptIndex + 1);
    const value = concat(s.sessionKey, cs.entity ? entityAuthValue(tpm, cs.entity) : new Uint8Array(0));
    const plain = paramCrypt(false, s.hashAlg, s.symmetric, value, cs.nonceCaller, s.nonceTPM, params.subarray(2, 2 + n));
    const out = params.slice();
    out.set(plain, 2);
    return out;
  }
  return params;
}

/**
 * Write parameterSize, the (possibly encrypted) response parameters and the response
 * authorization area to `w`.
 */
export function writeResponseAuth(tpm: TpmState, def: CommandDef, auth: CommandAuth, respParams: Uint8Array, w: ByteWriter): void {
  for (const cs of auth.sessions) if (cs.session) cs.session.nonceTPM = tpm.random(cs.session.nonceTPM.length);
  let params = respParams;
  if (auth.encryptIndex >= 0 && params.length >= 2) {
    const cs = auth.sessions[auth.encryptIndex]!;
    const s = cs.session!;
    const n = (params[0]! << 8) | params[1]!;
    const value = concat(s.sessionKey, cs.entity ? entityAuthValue(tpm, cs.entity) : new Uint8Array(0));
    params = params.slice();
    params.set(paramCrypt(true, s.hashAlg, s.symmetric, value, s.nonceTPM, cs.nonceCaller, params.subarray(2, 2 + n)), 2);
  }
  w.u32be(params.length).bytes(params);
  let rp: Map<number, Uint8Array> | undefined;
  for (const cs of auth.sessions) {
    const s = cs.session;
    if (!s) {
      w.u16be(0).u8(cs.attributes | TPMA_SESSION.continueSession).u16be(0);
      continue;
    }
    let mac: Uint8Array;
    if (s.type !== TPM_SE.HMAC && s.policy.isPasswordNeeded) mac = new Uint8Array(0);
    else {
      const key = cs.includeAuth && cs.entity ? concat(s.sessionKey, entityAuthValue(tpm, cs.entity)) : s.sessionKey;
      if (key.length === 0 && cs.hmac.length === 0) mac = new Uint8Array(0);
      else {
        rp ??= new Map();
        let h = rp.get(s.hashAlg);
        if (!h) rp.set(s.hashAlg, (h = rpHash(s.hashAlg, def.code, params)));
        mac = responseHmac(s.hashAlg, key, h, s.nonceTPM, cs.nonceCaller, cs.attributes);
      }
    }
    TPM2B_NONCE.encode(w, s.nonceTPM);
    w.u8(cs.attributes);
    TPM2B_AUTH.encode(w, mac);
    // ms-tpm UpdateInternalSession: a policy session that continues starts a new policy.
    if (s.type !== TPM_SE.HMAC && cs.attributes & TPMA_SESSION.continueSession) s.policy = emptyPolicy(s.policy.policyDigest.length);
    if (!(cs.attributes & TPMA_SESSION.continueSession)) tpm.sessions.flush(s.handle);
  }
}
