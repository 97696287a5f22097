/** NV commands (TPM 2.0 Part 3 §31) for TpmClient, chunked by TPM2_PT_NV_BUFFER_MAX. */
import { concat } from '../../core/bytes.js';
import * as C from '../commands/index.js';
import { TPM_RH } from '../types/constants.js';
import type { TPMS_NV_PUBLIC } from '../types/nv.js';
import { EMPTY } from './core.js';
import type { Authorization } from './execute.js';
import { AttestClient } from './attest.js';

export class NvClient extends AttestClient {
  async nvReadPublic(nvIndex: number): Promise<{ public: TPMS_NV_PUBLIC; name: Uint8Array }> {
    const { out } = await this.run(C.TPM2_NV_ReadPublic, {}, { handles: [nvIndex] });
    return { public: out.nvPublic, name: out.nvName };
  }

  async nvDefineSpace(publicInfo: TPMS_NV_PUBLIC, opts: { auth?: Uint8Array; authHandle?: number; authorization?: Authorization } = {}): Promise<void> {
    await this.run(C.TPM2_NV_DefineSpace, { auth: opts.auth ?? EMPTY, publicInfo }, {
      handles: [opts.authHandle ?? TPM_RH.OWNER],
      auth: opts.authorization ? [opts.authorization] : [],
    });
  }

  async nvUndefineSpace(nvIndex: number, opts: { authHandle?: number; authorization?: Authorization } = {}): Promise<void> {
    await this.run(C.TPM2_NV_UndefineSpace, {}, { handles: [opts.authHandle ?? TPM_RH.OWNER, nvIndex], auth: opts.authorization ? [opts.authorization] : [] });
  }

  /** Write `data` at `offset`, in NV_BUFFER_MAX chunks. */
  async nvWrite(nvIndex: number, data: Uint8Array, opts: { offset?: number; authHandle?: number; authorization?: Authorization } = {}): Promise<void> {
    const max = await this.getNvBufferMax();
    const base = opts.offset ?? 0;
    for (let at = 0; at < data.length || (at === 0 && data.length === 0); at += max) {
      await this.run(C.TPM2_NV_Write, { data: data.subarray(at, at + max), offset: base + at }, {
        handles: [opts.authHandle ?? nvIndex, nvIndex],
        auth: opts.authorization ? [opts.authorization] : [],
      });
      if (data.length === 0) break;
    }
  }

  /**
   * Read `size` bytes (default: the whole index) from `offset`, in NV_BUFFER_MAX chunks, as
   * tpm2_nvread does. `authHandle` defaults to the index itself; EK certificates are read with
   * TPM_RH_OWNER.
   */
  async nvRead(nvIndex: number, opts: { size?: number; offset?: number; authHandle?: number; authorization?: Authorization } = {}): Promise<Uint8Array> {
    const offset = opts.offset ?? 0;
    const size = opts.size ?? (await this.nvReadPublic(nvIndex)).public.dataSize - offset;
    const max = await this.getNvBufferMax();
    const parts: Uint8Array[] = [];
    for (let at = 0; at < size; at += max) {
      const { out } = await this.run(C.TPM2_NV_Read, { size: Math.min(max, size - at), offset: offset + at }, {
        handles: [opts.authHandle ?? nvIndex, nvIndex],
        auth: opts.authorization ? [opts.authorization] : [],
      });
      parts.push(out.data);
    }
    return concat(...parts);
  }
}
