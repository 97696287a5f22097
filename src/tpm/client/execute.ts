/**
 * Marshal a command from its definition and unmarshal the response (TPM 2.0 Part 1 §18):
 *  1. parameters are marshalled; if a session has `decrypt`, the first parameter's data bytes
 *     are encrypted (Part 1 §21);
 *  2. each session gets a fresh nonceCaller and its authorization (password, HMAC over the
 *     cpHash, or a policy session's HMAC/password);
 *  3. the response header is checked; a non-zero code becomes a TpmError;
 *  4. each response session's HMAC over the rpHash is verified and nonces roll;
 *  5. if a session has `encrypt`, the first response parameter is decrypted, then unmarshalled.
 */
import { ByteReader, ByteWriter } from '../../core/bytes.js';
import { WireError } from '../../core/errors.js';
import type { CommandDef } from '../commands/define.js';
import { TPM_RS_PW, TPM_ST, TPMA_SESSION } from '../types/constants.js';
import { TPMS_AUTH_COMMAND, TPMS_AUTH_RESPONSE, type TPMS_AUTH_COMMAND as AuthCommand } from '../types/context.js';
import { TpmError, TPM_RC } from '../rc.js';
import { cpHash, rpHash, trimAuth } from '../session/auth-values.js';
import type { AuthSession, SessionUse } from './session.js';

/** How one authorized handle is authorized: a password, or a session (with the entity's authValue). */
export type Authorization = { password: Uint8Array } | { session: AuthSession; authValue?: Uint8Array };

export interface PreparedCommand {
  bytes: Uint8Array;
  /** One entry per authorization-area slot: null for a password, else the session and its use. */
  slots: ({ session: AuthSession; use: SessionUse; attributes: number } | null)[];
  hasSessions: boolean;
}

function firstParamIsSized(def: CommandDef): boolean {
  return def.params.sized === true;
}

function firstResponseIsSized(def: CommandDef): boolean {
  return def.response.sized === true;
}

/** Build the command bytes. `names` holds the Name of every handle (needed for cpHash). */
export function prepareCommand(
  def: CommandDef,
  handles: readonly number[],
  names: readonly Uint8Array[],
  params: unknown,
  auths: readonly Authorization[],
  extraSessions: readonly AuthSession[] = [],
): PreparedCommand {
  if (handles.length !== def.handles.length) throw new RangeError(`${def.name} takes ${def.handles.length} handles, got ${handles.length}`);
  if (extraSessions.length === 0 && auths.every((a) => 'password' in a)) return preparePasswordOnly(def, handles, params, auths as { password: Uint8Array }[]);
  const pw = new ByteWriter(64);
  def.params.encode(pw, params as never);
  let paramBytes = pw.finish();

  // Pair each authorization with the entity it authorizes.
  const authHandles = def.handles.map((h, i) => (h.auth ? i : -1)).filter((i) => i >= 0);
  if (auths.length > authHandles.length) throw new RangeError(`${def.name} has ${authHandles.length} authorized handles, got ${auths.length} authorizations`);
  type Slot = { pw?: Uint8Array; session?: AuthSession; use: SessionUse };
  const slots: Slot[] = authHandles.map((hi, k) => {
    const a = auths[k] ?? { password: new Uint8Array(0) };
    const entity = { name: names[hi]!, authValue: 'password' in a ? a.password : (a.authValue ?? new Uint8Array(0)) };
    return 'password' in a ? { pw: a.password, use: { entity } } : { session: a.session, use: { entity } };
  });
  for (const s of extraSessions) slots.push({ session: s, use: {} });
  const hasSessions = slots.length > 0;

  // 1. parameter encryption. A TPM rejects decrypt/encrypt on a command whose first parameter
  // (or first response parameter) is not a TPM2B (TPM_RC_ATTRIBUTES), so those bits are only
  // sent where they apply, as ESAPI does.
  const mask = ~((firstParamIsSized(def) ? 0 : TPMA_SESSION.decrypt) | (firstResponseIsSized(def) ? 0 : TPMA_SESSION.encrypt));
  const attrsOf = (s: Slot) => (s.session ? s.session.attributes & mask : 0);
  const dec = slots.findIndex((s) => attrsOf(s) & TPMA_SESSION.decrypt);
  for (const s of slots) s.session?.newNonce();
  if (dec >= 0) {
    if (!firstParamIsSized(def)) throw new RangeError(`${def.name}: the first parameter cannot be encrypted`);
    const n = (paramBytes[0]! << 8) | paramBytes[1]!;
    const enc = slots[dec]!.session!.encryptCommand(slots[dec]!.use, paramBytes.subarray(2, 2 + n));
    paramBytes = paramBytes.slice();
    paramBytes.set(enc, 2);
  }

  // 2. authorizations
  const cpCache = new Map<number, Uint8Array>();
  const cpFor = (alg: number) => {
    let c = cpCache.get(alg);
    if (!c) cpCache.set(alg, (c = cpHash(alg, def.code, names, paramBytes)));
    return c;
  };
  const encIdx = slots.findIndex((s) => attrsOf(s) & TPMA_SESSION.encrypt);
  const authArea: AuthCommand[] = slots.map((s, i) => {
    if (s.pw) return { sessionHandle: TPM_RS_PW, nonce: new Uint8Array(0), sessionAttributes: TPMA_SESSION.continueSession, hmac: trimAuth(s.pw) };
    const extra: Uint8Array[] = [];
    // ms-tpm ComputeCommandHMAC: the first (authorization) session also covers the nonceTPM of
    // a separate decrypt and encrypt session.
    if (i === 0 && s.use.entity) {
      if (dec > 0) extra.push(slots[dec]!.session!.nonceTPM);
      if (encIdx > 0 && encIdx !== dec) extra.push(slots[encIdx]!.session!.nonceTPM);
    }
    return s.session!.authorize(s.use, cpFor(s.session!.hashAlg), extra, attrsOf(s));
  });

  const w = new ByteWriter(64 + paramBytes.length);
  w.u16be(hasSessions ? TPM_ST.SESSIONS : TPM_ST.NO_SESSIONS).u32be(0).u32be(def.code);
  for (const h of handles) w.u32be(h);
  if (hasSessions) {
    const at = w.length;
    w.u32be(0);
    for (const a of authArea) TPMS_AUTH_COMMAND.encode(w, a);
    w.patchU32be(at, w.length - at - 4);
  }
  w.bytes(paramBytes);
  w.patchU32be(2, w.length);
  return {
    bytes: w.finish(),
    slots: slots.map((s) => (s.session ? { session: s.session, use: s.use, attributes: attrsOf(s) } : null)),
    hasSessions,
  };
}

/** The common case (no HMAC/policy session): one writer, no cpHash. */
function preparePasswordOnly(def: CommandDef, handles: readonly number[], params: unknown, auths: readonly { password: Uint8Array }[]): PreparedCommand {
  let n = 0;
  for (const h of def.handles) if (h.auth) n++;
  if (auths.length > n) throw new RangeError(`${def.name} has ${n} authorized handles, got ${auths.length} authorizations`);
  const w = COMMAND;
  w.length = 0;
  w.u16be(n > 0 ? TPM_ST.SESSIONS : TPM_ST.NO_SESSIONS).u32be(0).u32be(def.code);
  for (const h of handles) w.u32be(h);
  const slots: PreparedCommand['slots'] = [];
  if (n > 0) {
    w.u32be(n * 9 + auths.reduce((a, x) => a + trimAuth(x.password).length, 0));
    for (let i = 0; i < n; i++) {
      const pwd = trimAuth(auths[i]?.password ?? EMPTY_AUTH);
      w.u32be(TPM_RS_PW).u16be(0).u8(TPMA_SESSION.continueSession).u16be(pwd.length).bytes(pwd);
      slots.push(null);
    }
  }
  def.params.encode(w, params as never);
  w.patchU32be(2, w.length);
  return { bytes: w.finish(), slots, hasSessions: n > 0 };
}

const EMPTY_AUTH = new Uint8Array(0);
/** One writer for every password-only command of every client (marshalling is synchronous; `finish()` copies out). */
const COMMAND = new ByteWriter(1024);

export interface ParsedResponse<R> {
  handle?: number;
  out: R;
}

/** Check and decode a response; throws TpmError for a TPM error code, WireError for bad bytes. */
export function parseResponse<R>(def: CommandDef, prepared: PreparedCommand, resp: Uint8Array): ParsedResponse<R> {
  const r = new ByteReader(resp);
  const tag = r.u16be();
  const size = r.u32be();
  const rc = r.u32be();
  if (size !== resp.length) throw new WireError(`response size field ${size} but ${resp.length} bytes received`, 2, 'response header');
  if (rc !== TPM_RC.SUCCESS) throw new TpmError(rc, def.name);
  if (tag !== (prepared.hasSessions ? TPM_ST.SESSIONS : TPM_ST.NO_SESSIONS)) throw new WireError(`unexpected response tag 0x${tag.toString(16)}`, 0, 'response header');
  const handle = def.responseHandle ? r.u32be() : undefined;
  let params: Uint8Array;
  let pr: ByteReader | undefined;
  if (prepared.hasSessions) {
    const psize = r.u32be();
    const start = r.offset;
    params = r.bytesView(psize, 'parameters');
    const rp = new Map<number, Uint8Array>();
    let passwordsOnly = true;
    for (const slot of prepared.slots) {
      // A password's response (empty nonce, attributes, empty HMAC) is checked in place.
      if (!slot && r.remaining >= 5 && resp[r.offset] === 0 && resp[r.offset + 1] === 0 && resp[r.offset + 3] === 0 && resp[r.offset + 4] === 0) {
        r.offset += 5;
        continue;
      }
      const auth = TPMS_AUTH_RESPONSE.decode(r);
      if (!slot) continue;
      passwordsOnly = false;
      let h = rp.get(slot.session.hashAlg);
      if (!h) rp.set(slot.session.hashAlg, (h = rpHash(slot.session.hashAlg, def.code, params)));
      slot.session.acceptResponse(slot.use, h, auth);
    }
    r.expectEnd('response');
    const enc = prepared.slots.find((s) => s && s.attributes & TPMA_SESSION.encrypt);
    if (enc && firstResponseIsSized(def)) {
      const n = (params[0]! << 8) | params[1]!;
      params = params.slice();
      params.set(enc.session.decryptResponse(enc.use, params.subarray(2, 2 + n)), 2);
    } else if (passwordsOnly) {
      // The parameters are decoded in place (decoders copy what they keep); offsets in errors
      // stay relative to the parameter area.
      pr = new ByteReader(resp, { offset: start, end: start + psize, base: -start });
    }
  } else {
    const start = r.offset;
    params = r.bytesView(r.remaining);
    pr = new ByteReader(resp, { offset: start, end: resp.length, base: -start });
  }
  pr ??= new ByteReader(params);
  const out = def.response.decode(pr) as R;
  pr.expectEnd(`${def.name} response`);
  return handle === undefined ? { out } : { handle, out };
}

