/**
 * Handle-area processing (TPM 2.0 Part 3 §5 handle checks, ms-tpm-20-ref ParseHandleBuffer and
 * EntityGetLoadStatus): each handle is checked against its interface type (TPMI_*; wrong
 * range → TPM_RC_VALUE), then resolved to a loaded entity (a missing transient object or
 * session → TPM_RC_REFERENCE_H0+n, a missing persistent object or NV index → TPM_RC_HANDLE).
 * An Entity knows the Name, authValue and authPolicy the authorization checks need.
 */
import type { HandleType } from '../commands/define.js';
import { handleName, nvName } from '../crypto/name.js';
import { rcHandle, TPM_RC } from '../rc.js';
import { TPM_HT, TPM_RH, TPMA_NV, TPMA_OBJECT } from '../types/constants.js';
import { IMPLEMENTATION_PCR } from '../types/pcr.js';
import { trimAuth } from '../session/auth-values.js';
import type { NvIndex } from './state/nv.js';
import type { TpmObject } from './state/objects.js';
import type { SimSession } from './state/sessions.js';
import type { TpmState } from './tpm-state.js';

export type EntityKind = 'object' | 'nv' | 'permanent' | 'pcr' | 'session';

export interface Entity {
  handle: number;
  kind: EntityKind;
  object?: TpmObject;
  nv?: NvIndex;
  session?: SimSession;
}

const HIERARCHIES = [TPM_RH.OWNER, TPM_RH.ENDORSEMENT, TPM_RH.PLATFORM];

/**
 * Is `h` in the range of interface type `type`? As in ms-tpm-20-ref, the transient range ends at
 * the last object slot and the session ranges at the last session slot (a larger handle is
 * TPM_RC_VALUE, not "not loaded").
 */
export function typeAllows(tpm: TpmState, type: HandleType, h: number): boolean {
  const ht = h >>> 24;
  const low = h & 0x00ffffff;
  const isObject = (ht === TPM_HT.TRANSIENT && low < tpm.profile.transientSlots) || ht === TPM_HT.PERSISTENT;
  const isSession = (ht === TPM_HT.HMAC_SESSION || ht === TPM_HT.POLICY_SESSION) && low < tpm.profile.activeSessions;
  const isNull = h === TPM_RH.NULL;
  const isPcr = ht === TPM_HT.PCR && h < IMPLEMENTATION_PCR;
  switch (type) {
    case 'TPMI_DH_OBJECT':
      return isObject;
    case 'TPMI_DH_OBJECT+':
      return isObject || isNull;
    case 'TPMI_DH_ENTITY':
    case 'TPMI_DH_ENTITY+':
      return isObject || isPcr || ht === TPM_HT.NV_INDEX || HIERARCHIES.includes(h as 0x40000001) || h === TPM_RH.LOCKOUT || (type === 'TPMI_DH_ENTITY+' && isNull);
    case 'TPMI_DH_PCR':
      return isPcr;
    case 'TPMI_DH_PCR+':
      return isPcr || isNull;
    case 'TPMI_DH_PARENT+':
      return isObject || HIERARCHIES.includes(h as 0x40000001) || isNull;
    case 'TPMI_DH_CONTEXT':
      return (ht === TPM_HT.TRANSIENT && low < tpm.profile.transientSlots) || isSession;
    case 'TPMI_SH_POLICY':
      return isSession && ht === TPM_HT.POLICY_SESSION;
    case 'TPMI_RH_HIERARCHY+':
      return HIERARCHIES.includes(h as 0x40000001) || isNull;
    case 'TPMI_RH_HIERARCHY_AUTH':
      return HIERARCHIES.includes(h as 0x40000001) || h === TPM_RH.LOCKOUT;
    case 'TPMI_RH_PROVISION':
      return h === TPM_RH.OWNER || h === TPM_RH.PLATFORM;
    case 'TPMI_RH_NV_AUTH':
      return h === TPM_RH.OWNER || h === TPM_RH.PLATFORM || ht === TPM_HT.NV_INDEX;
    case 'TPMI_RH_NV_INDEX':
      return ht === TPM_HT.NV_INDEX;
  }
}

/** Resolve handle number `i` (0-based) of a command; returns the entity or a response code. */
export function resolveHandle(tpm: TpmState, h: number, type: HandleType, i: number): Entity | number {
  if (!typeAllows(tpm, type, h)) return rcHandle(TPM_RC.VALUE, i + 1);
  const ht = h >>> 24;
  switch (ht) {
    case TPM_HT.TRANSIENT: {
      const object = tpm.objects.get(h);
      return object ? { handle: h, kind: 'object', object } : TPM_RC.REFERENCE_H0 + i;
    }
    case TPM_HT.PERSISTENT: {
      const object = tpm.objects.get(h);
      return object ? { handle: h, kind: 'object', object } : rcHandle(TPM_RC.HANDLE, i + 1);
    }
    case TPM_HT.NV_INDEX: {
      const nv = tpm.nv.get(h);
      return nv ? { handle: h, kind: 'nv', nv } : rcHandle(TPM_RC.HANDLE, i + 1);
    }
    case TPM_HT.HMAC_SESSION:
    case TPM_HT.POLICY_SESSION: {
      const session = tpm.sessions.getLoaded(h);
      return session ? { handle: h, kind: 'session', session } : TPM_RC.REFERENCE_H0 + i;
    }
    case TPM_HT.PCR:
      return { handle: h, kind: 'pcr' };
    default:
      return { handle: h, kind: 'permanent' };
  }
}

/** The Name of an entity (Part 1 §16). */
export function entityName(e: Entity): Uint8Array {
  if (e.object) return e.object.name;
  if (e.nv) return nvName(e.nv.public);
  return handleName(e.handle);
}

/** The authValue with trailing zeros removed (ms-tpm EntityGetAuthValue). */
export function entityAuthValue(tpm: TpmState, e: Entity): Uint8Array {
  if (e.object) return trimAuth(e.object.sensitive?.authValue ?? NO_AUTH);
  if (e.nv) return trimAuth(e.nv.authValue);
  if (e.kind === 'permanent') return trimAuth(tpm.hierarchy.authOf(e.handle));
  return NO_AUTH;
}

/** An empty authValue, shared (V8 allocates each zero-length typed array off-heap). */
const NO_AUTH = new Uint8Array(0);

/** The authPolicy and its hash algorithm, if the entity has one. */
export function entityAuthPolicy(e: Entity): { alg: number; digest: Uint8Array } | undefined {
  if (e.object) return { alg: e.object.public.nameAlg, digest: e.object.public.authPolicy };
  if (e.nv) return { alg: e.nv.public.nameAlg, digest: e.nv.public.authPolicy };
  return undefined;
}

/** ms-tpm IsDAExempted: permanent handles but lockout, noDA objects and NV indices, PCRs. */
export function isDaExempt(e: Entity): boolean {
  if (e.kind === 'permanent') return e.handle !== TPM_RH.LOCKOUT;
  if (e.object) return (e.object.public.objectAttributes & TPMA_OBJECT.noDA) !== 0;
  if (e.nv) return (e.nv.public.attributes & TPMA_NV.NO_DA) !== 0;
  return e.kind === 'pcr';
}
