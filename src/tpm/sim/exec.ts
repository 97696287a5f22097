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
import { TPM_CC, TPM_ST } from '../types/constants.js';
import type { DispatchEntry } from './action.js';
import { authorize, buildResponseAuth, parseAuthArea, type CommandAuth } from './auth.js';
import { resolveHandle, type Entity } from './entity.js';
import type { TpmState } from './tpm-state.js';

export function errorResponse(rc: number): Uint8Array {
  const w = new ByteWriter(10);
  // TPM_RC_BAD_TAG is answered with the TPM 1.2 tag TPM_ST_RSP_COMMAND (ms-tpm BuildResponseHeader).
  w.u16be(rc === TPM_RC.BAD_TAG ? TPM_ST.RSP_COMMAND : TPM_ST.NO_SESSIONS).u32be(10).u32be(rc);
  return w.finish();
}

export type Logger = (event: { cc: number; rc: number; error?: unknown }) => void;

export async function executeCommand(tpm: TpmState, table: ReadonlyMap<number, DispatchEntry>, cmd: Uint8Array, log?: Logger): Promise<Uint8Array> {
  try {
    return await execute(tpm, table, cmd, log);
  } finally {
    tpm.objects.reserved = 0;
  }
}

async function execute(tpm: TpmState, table: ReadonlyMap<number, DispatchEntry>, cmd: Uint8Array, log?: Logger): Promise<Uint8Array> {
  let cc = 0;
  try {
    // 1. header
    if (cmd.length < 10) return errorResponse(cmd.length >= 2 && !isTag(cmd) ? TPM_RC.BAD_TAG : TPM_RC.COMMAND_SIZE);
    const r = new ByteReader(cmd);
    const tag = r.u16be();
    if (tag !== TPM_ST.NO_SESSIONS && tag !== TPM_ST.SESSIONS) return errorResponse(TPM_RC.BAD_TAG);
    const size = r.u32be();
    if (size !== cmd.length || size > tpm.profile.maxCommandSize) return errorResponse(TPM_RC.COMMAND_SIZE);
    cc = r.u32be();
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
      const parsed = parseAuthArea(tpm, def, r.sub(authSize, 'authorizationArea'));
      if (typeof parsed === 'number') return errorResponse(parsed);
      auth = parsed;
      const ok = authorize(tpm, def, entities, auth, r.read(r.remaining));
      if (typeof ok === 'number') return errorResponse(ok);
      params = ok;
    } else {
      if (def.handles.some((h) => h.auth)) return errorResponse(TPM_RC.AUTH_MISSING);
      params = r.read(r.remaining);
    }

    // 4. parameters and action
    const pr = new ByteReader(params);
    const fields = Object.entries(def.params.fields) as [string, Codec<unknown>][];
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
    const out = (await entry.action({ tpm, def, entities, auth }, input as never)) as Record<string, unknown> & { handle?: number };
    const pw = new ByteWriter(256);
    def.response.encode(pw, out as never);
    let respParams = pw.finish();

    // 5. response sessions, 6. header
    const w = new ByteWriter(respParams.length + 64);
    w.u16be(tag).u32be(0).u32be(TPM_RC.SUCCESS);
    if (def.responseHandle) w.u32be(out.handle ?? 0);
    if (auth) {
      const built = buildResponseAuth(tpm, def, auth, respParams);
      respParams = built.params;
      w.u32be(respParams.length).bytes(respParams).bytes(built.area);
    } else {
      w.bytes(respParams);
    }
    w.patchU32be(2, w.length);
    log?.({ cc, rc: 0 });
    return w.finish();
  } catch (e) {
    if (e instanceof TpmError) {
      log?.({ cc, rc: e.rc });
      return errorResponse(e.rc);
    }
    // A bug, not bad input: report TPM_RC_FAILURE for this command and keep running.
    log?.({ cc, rc: TPM_RC.FAILURE, error: e });
    return errorResponse(TPM_RC.FAILURE);
  }
}

function isTag(cmd: Uint8Array): boolean {
  const t = (cmd[0]! << 8) | cmd[1]!;
  return t === TPM_ST.NO_SESSIONS || t === TPM_ST.SESSIONS;
}
