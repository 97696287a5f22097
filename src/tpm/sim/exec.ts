/**
 * Command execution: the one function every command passes through (TPM 2.0 Part 3 §5, after
 * ms-tpm-20-ref ExecuteCommand). Steps:
 *  1. header: tag (TPM_ST_NO_SESSIONS/SESSIONS, else TPM_RC_BAD_TAG), commandSize equal to the
 *     bytes received and ≤ MAX_COMMAND_SIZE (TPM_RC_COMMAND_SIZE), command code implemented
 *     (TPM_RC_COMMAND_CODE), TPM started — or not, for TPM2_Startup (TPM_RC_INITIALIZE);
 *  2. handles: unmarshal each, check its interface type and that it references a loaded
 *     entity (entity.ts);
 *  3. sessions: unmarshal the authorization area, check every authorization, decrypt the first
 *     parameter (auth.ts);
 *  4. dispatch: unmarshal the parameters field by field (errors carry the parameter number),
 *     run the command's action (actions/), marshal its response;
 *  5. response sessions: roll nonces, encrypt, compute response HMACs (auth.ts);
 *  6. response header. Any failure yields a 10-byte error response; no exception escapes.
 */
import { ByteReader, ByteWriter } from '../../core/bytes.js';
import { WireError } from '../../core/errors.js';
import { rcHandle, rcParam, TPM_RC, TpmError } from '../rc.js';
import { type Codec, rcOfWireError } from '../types/codec.js';
import { TPM_CC, TPM_ST, TPMA_SESSION } from '../types/constants.js';
import type { DispatchEntry } from './action.js';
import { authorize, parseAuthArea, parsePasswordAuth, writeResponseAuth, type CommandAuth } from './auth.js';
import { resolveHandle, type Entity } from './entity.js';
import type { TpmState } from './tpm-state.js';

export function errorResponse(rc: number): Uint8Array {
  const w = new ByteWriter(10);
  // TPM_RC_BAD_TAG is answered with the TPM 1.2 tag TPM_ST_RSP_COMMAND (ms-tpm BuildResponseHeader).
  w.u16be(rc === TPM_RC.BAD_TAG ? TPM_ST.RSP_COMMAND : TPM_ST.NO_SESSIONS).u32be(10).u32be(rc);
  return w.finish();
}

export type Logger = (event: { cc: number; rc: number; error?: unknown }) => void;

/**
 * Execute one command. Synchronous actions complete synchronously (no promise on the hot path);
 * actions that generate keys return a promise, and so does this function then.
 */
export function executeCommand(tpm: TpmState, table: ReadonlyMap<number, DispatchEntry>, cmd: Uint8Array, log?: Logger): Uint8Array | Promise<Uint8Array> {
  let cc = 0;
  const done = (r: Uint8Array) => {
    tpm.objects.reserved = 0;
    return r;
  };
  const fail = (e: unknown): Uint8Array => {
    tpm.objects.reserved = 0;
    if (e instanceof TpmError) {
      log?.({ cc, rc: e.rc });
      return errorResponse(e.rc);
    }
    // A bug, not bad input: report TPM_RC_FAILURE for this command and keep running.
    log?.({ cc, rc: TPM_RC.FAILURE, error: e });
    return errorResponse(TPM_RC.FAILURE);
  };
  try {
    const r = execute(tpm, table, cmd, (c) => (cc = c), log);
    return r instanceof Promise ? r.then(done, fail) : done(r);
  } catch (e) {
    return fail(e);
  }
}

const FIELDS = new WeakMap<object, [string, Codec<unknown>][]>();
/**
 * Responses are marshalled into these two writers, reused by every command of every simulator
 * in the process (marshalling is synchronous); `finish()` copies the response out, so each
 * response costs one allocation.
 */
const RESPONSE = new ByteWriter(1024);
const RESPONSE_PARAMS = new ByteWriter(1024);

function fieldsOf(def: DispatchEntry['def']): [string, Codec<unknown>][] {
  let f = FIELDS.get(def);
  if (!f) FIELDS.set(def, (f = Object.entries(def.params.fields) as [string, Codec<unknown>][]));
  return f;
}

function execute(tpm: TpmState, table: ReadonlyMap<number, DispatchEntry>, cmd: Uint8Array, setCc: (cc: number) => void, log?: Logger): Uint8Array | Promise<Uint8Array> {
  let cc = 0;
  {
    // 1. header
    if (cmd.length < 10) return errorResponse(cmd.length >= 2 && !isTag(cmd) ? TPM_RC.BAD_TAG : TPM_RC.COMMAND_SIZE);
    const r = new ByteReader(cmd);
    const tag = r.u16be();
    if (tag !== TPM_ST.NO_SESSIONS && tag !== TPM_ST.SESSIONS) return errorResponse(TPM_RC.BAD_TAG);
    const size = r.u32be();
    if (size !== cmd.length || size > tpm.profile.maxCommandSize) return errorResponse(TPM_RC.COMMAND_SIZE);
    cc = r.u32be();
    setCc(cc);
    const entry = table.get(cc);
    if (!entry) return errorResponse(TPM_RC.COMMAND_CODE);
    if (tpm.started === (cc === TPM_CC.Startup)) return errorResponse(TPM_RC.INITIALIZE);
    const def = entry.def;

    // 2. handles (a persistent object takes a transient slot while the command runs)
    const entities: Entity[] = [];
    tpm.objects.reserved = 0;
    for (let i = 0; i < def.handles.length; i++) {
      if (r.remaining < 4) return errorResponse(rcHandle(TPM_RC.INSUFFICIENT, i + 1));
      const e = resolveHandle(tpm, r.u32be(), def.handles[i]!.type, i);
      if (typeof e === 'number') return errorResponse(e);
      if (e.object && e.handle >>> 24 === 0x81) {
        if (!tpm.objects.hasRoom()) return errorResponse(TPM_RC.OBJECT_MEMORY);
        tpm.objects.reserved++;
      }
      entities.push(e);
    }

    // 3. sessions
    let auth: CommandAuth | undefined;
    let params: Uint8Array;
    if (tag === TPM_ST.SESSIONS) {
      if (entry.noSessions) return errorResponse(TPM_RC.AUTH_CONTEXT);
      // ms-tpm ExecuteCommand: an authorizationSize below one session (9) or beyond the command is TPM_RC_SIZE.
      if (r.remaining < 4) return errorResponse(TPM_RC.INSUFFICIENT);
      const authSize = r.u32be();
      if (authSize < 9 || authSize > r.remaining) return errorResponse(TPM_RC.SIZE);
      let parsed: CommandAuth | number | undefined = parsePasswordAuth(cmd, r.offset, authSize);
      if (parsed) r.offset += authSize;
      else parsed = parseAuthArea(tpm, def, r.sub(authSize, 'authorizationArea'));
      if (typeof parsed === 'number') return errorResponse(parsed);
      auth = parsed;
      const view = r.bytesView(r.remaining);
      const ok = authorize(tpm, def, entities, auth, view);
      if (typeof ok === 'number') return errorResponse(ok);
      params = ok;
      // Unless a parameter was decrypted (a new buffer), keep reading the command in place.
      if (ok === view) {
        r.offset -= view.length;
        params = cmd;
      }
    } else {
      if (def.handles.some((h) => h.auth)) return errorResponse(TPM_RC.AUTH_MISSING);
      params = cmd;
    }

    // 4. parameters and action (decoders copy what they keep, so no copy of the buffer here)
    const pr = params === cmd ? r : new ByteReader(params);
    const fields = fieldsOf(def);
    const input: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) {
      const [name, codec] = fields[i]!;
      try {
        input[name] = codec.decode(pr);
      } catch (e) {
        if (e instanceof WireError) return errorResponse(rcParam(rcOfWireError(e), i + 1));
        throw e;
      }
    }
    if (!pr.atEnd) return errorResponse(TPM_RC.SIZE);
    const result = entry.action({ tpm, def, entities, auth }, input as never) as (Record<string, unknown> & { handle?: number }) | Promise<Record<string, unknown> & { handle?: number }>;
    return result instanceof Promise ? result.then((out) => respond(tpm, def, tag, auth, out, cc, log)) : respond(tpm, def, tag, auth, result, cc, log);
  }
}

/** Steps 5 and 6: the response parameters, sessions and header. */
function respond(
  tpm: TpmState,
  def: DispatchEntry['def'],
  tag: number,
  auth: CommandAuth | undefined,
  out: Record<string, unknown> & { handle?: number },
  cc: number,
  log?: Logger,
): Uint8Array {
  // 5. response sessions, 6. header
  const w = RESPONSE;
  w.length = 0;
  w.u16be(tag).u32be(0).u32be(TPM_RC.SUCCESS);
  if (def.responseHandle) w.u32be(out.handle ?? 0);
  if (!auth) {
    def.response.encode(w, out as never);
    w.patchU32be(2, w.length);
    return logged(w.finish(), cc, log);
  }
  if (auth.sessions.every((cs) => !cs.session)) {
    // Password sessions only (the common case): no rpHash, no encryption, one buffer.
    const at = w.length;
    w.u32be(0);
    def.response.encode(w, out as never);
    w.patchU32be(at, w.length - at - 4);
    for (const cs of auth.sessions) w.u16be(0).u8(cs.attributes | TPMA_SESSION.continueSession).u16be(0);
    w.patchU32be(2, w.length);
    return logged(w.finish(), cc, log);
  }
  const pw = RESPONSE_PARAMS;
  pw.length = 0;
  def.response.encode(pw, out as never);
  writeResponseAuth(tpm, def, auth, pw.finish(), w);
  w.patchU32be(2, w.length);
  return logged(w.finish(), cc, log);
}

/** Log success after the response is copied out (a logger may run other commands). */
function logged(r: Uint8Array, cc: number, log?: Logger): Uint8Array {
  log?.({ cc, rc: 0 });
  return r;
}

function isTag(cmd: Uint8Array): boolean {
  const t = (cmd[0]! << 8) | cmd[1]!;
  return t === TPM_ST.NO_SESSIONS || t === TPM_ST.SESSIONS;
}
