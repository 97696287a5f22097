/**
 * The core of TpmClient: `run()` marshals one command from its shared definition (commands/),
 * resolves the Names an HMAC/policy session needs for cpHash, authorizes the command
 * (password, HMAC or policy session) and decodes the response. Also the commands about
 * start-up, capabilities, randomness, contexts and hierarchies. The other command groups
 * extend this class (pcr.ts, keys.ts, policy.ts, attest.ts, nv.ts); TpmClient is the last.
 */
import * as C from '../commands/index.js';
import type { CommandDef, ParamsOf, ResponseOf } from '../commands/define.js';
import { handleName } from '../crypto/name.js';
import { TPM_RC } from '../rc.js';
import { TPM_CAP, TPM_HT, TPM_PT, TPM_RH, TPM_SU } from '../types/constants.js';
import type { TPMS_CAPABILITY_DATA } from '../types/capability.js';
import type { Transport } from './transport.js';
import { type Authorization, parseResponse, prepareCommand } from './execute.js';
import type { AuthSession } from './session.js';

/** A handle, optionally with its Name (saves a ReadPublic when an HMAC session needs it). */
export type HandleRef = number | { handle: number; name: Uint8Array };

export const EMPTY: Uint8Array = new Uint8Array(0);
const NO_NAMES: readonly Uint8Array[] = [];

export interface RunOptions {
  handles?: readonly HandleRef[];
  /** One per authorized handle, in handle order; default: empty password. */
  auth?: readonly Authorization[];
  /** Extra sessions used only for parameter encryption or audit. */
  sessions?: readonly AuthSession[];
  /** The authorized entities' authValues after the command, when it changes them (HierarchyChangeAuth). */
  authAfter?: readonly Uint8Array[];
}

function handleOf(h: HandleRef): number {
  return typeof h === 'number' ? h : h.handle;
}

export class ClientCore {
  readonly transport: Transport;
  private readonly names = new Map<number, Uint8Array>();
  private nvBufferMax: number | undefined;

  constructor(transport: Transport) {
    this.transport = transport;
  }

  /** Run one command from its definition (the building block every method below uses). */
  async run<D extends CommandDef<any, any>>(def: D, params: ParamsOf<D>, opts: RunOptions = {}): Promise<{ handle?: number; out: ResponseOf<D> }> {
    const refs = opts.handles ?? [];
    const handles = refs.map(handleOf);
    const needNames = (opts.auth ?? []).some((a) => 'session' in a) || (opts.sessions?.length ?? 0) > 0;
    const names = needNames ? await Promise.all(refs.map((h) => this.nameOf(h))) : NO_NAMES;
    const prepared = prepareCommand(def, handles, names, params, opts.auth ?? [], opts.sessions ?? []);
    opts.authAfter?.forEach((v, i) => {
      const e = prepared.slots[i]?.use.entity;
      if (e) e.authValue = v;
    });
    // TPM_RC_RETRY / _YIELDED / _TESTING: the TPM did not run the command; send the same bytes
    // again (the nonces did not roll), as ESAPI does (swtpm answers RETRY to some first Quotes).
    for (let attempt = 0; ; attempt++) {
      const resp = await this.transport.send(prepared.bytes);
      if (attempt < 8 && resp.length === 10) {
        const rc = new DataView(resp.buffer, resp.byteOffset).getUint32(6);
        if (rc === TPM_RC.RETRY || rc === TPM_RC.YIELDED || rc === TPM_RC.TESTING) continue;
      }
      return parseResponse<ResponseOf<D>>(def, prepared, resp);
    }
  }

  /** The Name of an entity: cached or read from the TPM for objects and NV indices. */
  async nameOf(h: HandleRef): Promise<Uint8Array> {
    if (typeof h !== 'number') return h.name;
    const ht = h >>> 24;
    if (ht === TPM_HT.TRANSIENT || ht === TPM_HT.PERSISTENT) {
      const hit = this.names.get(h);
      if (hit) return hit;
      const { name } = await this.readPublic(h);
      return name;
    }
    if (ht === TPM_HT.NV_INDEX) return (await this.run(C.TPM2_NV_ReadPublic, {}, { handles: [h] })).out.nvName;
    return handleName(h);
  }

  remember(handle: number, name: Uint8Array): void {
    this.names.set(handle, name);
  }

  forget(handle: number): void {
    this.names.delete(handle);
  }

  // ---- start-up, testing, capabilities, random (Part 3 §9, §10, §16, §30) ----

  async startup(type: number = TPM_SU.CLEAR): Promise<void> {
    await this.run(C.TPM2_Startup, { startupType: type });
  }

  async shutdown(type: number = TPM_SU.CLEAR): Promise<void> {
    await this.run(C.TPM2_Shutdown, { shutdownType: type });
  }

  async selfTest(fullTest = true): Promise<void> {
    await this.run(C.TPM2_SelfTest, { fullTest });
  }

  async getCapability(capability: number, property: number, propertyCount: number): Promise<{ moreData: boolean; data: TPMS_CAPABILITY_DATA }> {
    const { out } = await this.run(C.TPM2_GetCapability, { capability, property, propertyCount });
    return { moreData: out.moreData, data: out.capabilityData };
  }

  /** All TPM properties from `first` on (following moreData), as a map. */
  async getProperties(first: number = TPM_PT.FAMILY_INDICATOR): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    let next = first;
    for (let i = 0; i < 64; i++) {
      const { moreData, data } = await this.getCapability(TPM_CAP.TPM_PROPERTIES, next, 127);
      if (data.capability !== TPM_CAP.TPM_PROPERTIES) break;
      for (const p of data.data) out.set(p.property, p.value);
      if (!moreData || data.data.length === 0) break;
      next = data.data[data.data.length - 1]!.property + 1;
    }
    return out;
  }

  /** Handles of one type (TPM_HT_* << 24), following moreData. */
  async getHandles(firstHandle: number): Promise<number[]> {
    const out: number[] = [];
    let next = firstHandle;
    for (let i = 0; i < 64; i++) {
      const { moreData, data } = await this.getCapability(TPM_CAP.HANDLES, next, 254);
      if (data.capability !== TPM_CAP.HANDLES) break;
      out.push(...data.data);
      if (!moreData || data.data.length === 0) break;
      next = data.data[data.data.length - 1]! + 1;
    }
    return out;
  }

  async getRandom(bytesRequested: number): Promise<Uint8Array> {
    return (await this.run(C.TPM2_GetRandom, { bytesRequested })).out.randomBytes;
  }

  /** TPM2_PT_NV_BUFFER_MAX (cached): the largest NV_Read/NV_Write chunk. */
  async getNvBufferMax(): Promise<number> {
    if (this.nvBufferMax === undefined) {
      const { data } = await this.getCapability(TPM_CAP.TPM_PROPERTIES, TPM_PT.NV_BUFFER_MAX, 1);
      const p = data.capability === TPM_CAP.TPM_PROPERTIES ? data.data.find((x) => x.property === TPM_PT.NV_BUFFER_MAX) : undefined;
      this.nvBufferMax = p?.value ?? 512;
    }
    return this.nvBufferMax;
  }

  // ---- object commands (Part 3 §12, §24) ----

  async readPublic(objectHandle: number): Promise<ResponseOf<typeof C.TPM2_ReadPublic> & { public: ResponseOf<typeof C.TPM2_ReadPublic>['outPublic'] }> {
    const { out } = await this.run(C.TPM2_ReadPublic, {}, { handles: [objectHandle] });
    this.names.set(objectHandle, out.name);
    return { ...out, public: out.outPublic };
  }

  async flushContext(flushHandle: number): Promise<void> {
    await this.run(C.TPM2_FlushContext, { flushHandle });
    this.names.delete(flushHandle);
  }

  async evictControl(objectHandle: HandleRef, persistentHandle: number, opts: { auth?: number; authorization?: Authorization } = {}): Promise<void> {
    await this.run(C.TPM2_EvictControl, { persistentHandle }, {
      handles: [opts.auth ?? TPM_RH.OWNER, objectHandle],
      auth: opts.authorization ? [opts.authorization] : [],
    });
    if (handleOf(objectHandle) === persistentHandle) this.names.delete(persistentHandle);
  }

  async contextSave(saveHandle: number): Promise<ResponseOf<typeof C.TPM2_ContextSave>['context']> {
    return (await this.run(C.TPM2_ContextSave, {}, { handles: [saveHandle] })).out.context;
  }

  async contextLoad(context: ParamsOf<typeof C.TPM2_ContextLoad>['context']): Promise<number> {
    return (await this.run(C.TPM2_ContextLoad, { context })).handle!;
  }

  async readClock(): Promise<ResponseOf<typeof C.TPM2_ReadClock>['currentTime']> {
    return (await this.run(C.TPM2_ReadClock, {})).out.currentTime;
  }

  async hierarchyChangeAuth(authHandle: number, newAuth: Uint8Array, authorization?: Authorization): Promise<void> {
    await this.run(C.TPM2_HierarchyChangeAuth, { newAuth }, { handles: [authHandle], auth: authorization ? [authorization] : [], authAfter: [newAuth] });
  }
}
