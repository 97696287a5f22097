/**
 * One definition per TPM command (TPM 2.0 Part 3), shared by the client and the simulator:
 * the command code, the handle area (with the authorization role of each handle that needs
 * one, the `@` handles of Part 3), the parameter structure, the response handle and the
 * response parameter structure.
 *
 * Part 1 §18.4 fixes the wire order: header, handles, authorization area (if tag is
 * TPM_ST_SESSIONS), parameters; the response is header, handle(s), parameterSize (with
 * sessions), parameters, authorization area.
 */
import { type StructCodec, struct } from '../types/codec.js';
import type { Codec, StructOf } from '../types/codec.js';

/** Part 1 §19.2: which role an authorization session plays for a handle. */
export type AuthRole = 'USER' | 'ADMIN' | 'DUP';

/**
 * The interface type of a handle (Part 2 chapter 9, TPMI_*): which handle ranges are accepted.
 * A trailing "+" means TPM_RH_NULL is also accepted.
 */
export type HandleType =
  | 'TPMI_DH_OBJECT'
  | 'TPMI_DH_OBJECT+'
  | 'TPMI_DH_ENTITY'
  | 'TPMI_DH_ENTITY+'
  | 'TPMI_DH_PCR'
  | 'TPMI_DH_PCR+'
  | 'TPMI_DH_CONTEXT'
  | 'TPMI_DH_PARENT+'
  | 'TPMI_SH_POLICY'
  | 'TPMI_RH_HIERARCHY+'
  | 'TPMI_RH_HIERARCHY_AUTH'
  | 'TPMI_RH_PROVISION'
  | 'TPMI_RH_NV_AUTH'
  | 'TPMI_RH_NV_INDEX';

export interface HandleSpec {
  readonly name: string;
  readonly type: HandleType;
  /** Present when the handle needs an authorization session. */
  readonly auth?: AuthRole;
}

type Fields = Record<string, Codec<any>>;

export interface CommandDef<P extends Fields = Fields, R extends Fields = Fields> {
  readonly code: number;
  readonly name: string;
  readonly handles: readonly HandleSpec[];
  readonly params: StructCodec<P>;
  /** The response handle (e.g. objectHandle of TPM2_Load), when the command returns one. */
  readonly responseHandle?: string;
  readonly response: StructCodec<R>;
}

export type ParamsOf<C> = C extends CommandDef<infer P, any> ? StructOf<P> : never;
export type ResponseOf<C> = C extends CommandDef<any, infer R> ? StructOf<R> : never;

export function defineCommand<P extends Fields, R extends Fields>(def: {
  code: number;
  name: string;
  handles?: readonly HandleSpec[];
  params?: P;
  responseHandle?: string;
  response?: R;
}): CommandDef<P, R> {
  return {
    code: def.code,
    name: def.name,
    handles: def.handles ?? [],
    params: struct(`${def.name}_In`, def.params ?? ({} as P)),
    ...(def.responseHandle !== undefined ? { responseHandle: def.responseHandle } : {}),
    response: struct(`${def.name}_Out`, def.response ?? ({} as R)),
  };
}

/** Number of handles in the handle area that need authorization. */
export function authCount(def: CommandDef): number {
  let n = 0;
  for (const h of def.handles) if (h.auth) n++;
  return n;
}
