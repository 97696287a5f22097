/**
 * The shape of a command action (ms-tpm-20-ref keeps one small function per command, fed
 * already-unmarshalled and validated input). An action validates its parameters ("Input
 * Validation"), updates state ("Internal Data Update") and returns the response fields; a TPM
 * error is thrown as `TpmError(rc)` (with rcParam/rcHandle index helpers) and becomes the
 * response code. Nothing an action throws ever crosses the transport.
 */
import type { CommandDef, ParamsOf, ResponseOf } from '../commands/define.js';
import { rcHandle, rcParam, TpmError } from '../rc.js';
import type { CommandAuth } from './auth.js';
import type { Entity } from './entity.js';
import type { TpmState } from './tpm-state.js';

export interface ActionContext {
  tpm: TpmState;
  def: CommandDef;
  /** Resolved handle-area entities, in order. */
  entities: Entity[];
  /** The command's sessions (undefined for TPM_ST_NO_SESSIONS). */
  auth: CommandAuth | undefined;
}

export type ActionResult<D extends CommandDef<any, any>> = ResponseOf<D> & { handle?: number };
export type Action<D extends CommandDef<any, any>> = (ctx: ActionContext, params: ParamsOf<D>) => ActionResult<D> | Promise<ActionResult<D>>;

export interface DispatchEntry {
  def: CommandDef<any, any>;
  action: Action<any>;
  /** Part 3 "Tag: TPM_ST_NO_SESSIONS only" commands reject an authorization area. */
  noSessions?: boolean;
}

export function action<D extends CommandDef<any, any>>(def: D, fn: Action<D>, opts: { noSessions?: boolean } = {}): DispatchEntry {
  return { def, action: fn as Action<any>, ...opts };
}

/** Throw a TPM error blaming parameter `index` (1-based). */
export function paramError(rc: number, index: number, message?: string): never {
  throw new TpmError(rcParam(rc, index), message);
}

/** Throw a TPM error blaming handle `index` (1-based). */
export function handleError(rc: number, index: number, message?: string): never {
  throw new TpmError(rcHandle(rc, index), message);
}

/** Throw a TPM error without an index. */
export function tpmError(rc: number, message?: string): never {
  throw new TpmError(rc, message);
}
