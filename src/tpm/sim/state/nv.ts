/**
 * NV indices (TPM 2.0 Part 1 §37, Part 3 §31): public area, authValue and data. Access rules
 * (Part 3 NV_Write/NV_Read, ms-tpm-20-ref NvWriteAccessChecks/NvReadAccessChecks):
 *  - the authorizing handle must be the owner (TPMA_NV_OWNERWRITE/OWNERREAD), the platform
 *    (PPWRITE/PPREAD) or the index itself (AUTHWRITE|POLICYWRITE / AUTHREAD|POLICYREAD),
 *    else TPM_RC_NV_AUTHORIZATION;
 *  - WRITELOCKED/READLOCKED → TPM_RC_NV_LOCKED; reading before the first write →
 *    TPM_RC_NV_UNINITIALIZED; offset + size beyond dataSize → TPM_RC_NV_RANGE.
 */
import { TPM_RC } from '../../rc.js';
import { TPM_NT, TPM_RH, TPMA_NV } from '../../types/constants.js';
import type { TPMS_NV_PUBLIC } from '../../types/nv.js';

export interface NvIndex {
  public: TPMS_NV_PUBLIC;
  authValue: Uint8Array;
  data: Uint8Array;
}

export function nvType(attributes: number): number {
  return (attributes & TPMA_NV.TPM_NT_MASK) >>> TPMA_NV.TPM_NT_SHIFT;
}

export class NvIndices {
  readonly indices = new Map<number, NvIndex>();

  get(handle: number): NvIndex | undefined {
    return this.indices.get(handle);
  }

  get totalBytes(): number {
    let n = 0;
    for (const i of this.indices.values()) n += i.data.length;
    return n;
  }

  handles(): number[] {
    return [...this.indices.keys()].sort((a, b) => a - b);
  }

  /** Check that `authHandle` may write `index`; returns a TPM_RC or 0. */
  writeAccess(authHandle: number, index: NvIndex): number {
    const a = index.public.attributes;
    if (a & TPMA_NV.WRITELOCKED) return TPM_RC.NV_LOCKED;
    if (authHandle === TPM_RH.OWNER) return a & TPMA_NV.OWNERWRITE ? 0 : TPM_RC.NV_AUTHORIZATION;
    if (authHandle === TPM_RH.PLATFORM) return a & TPMA_NV.PPWRITE ? 0 : TPM_RC.NV_AUTHORIZATION;
    if (authHandle === index.public.nvIndex) return a & (TPMA_NV.AUTHWRITE | TPMA_NV.POLICYWRITE) ? 0 : TPM_RC.NV_AUTHORIZATION;
    return TPM_RC.NV_AUTHORIZATION;
  }

  readAccess(authHandle: number, index: NvIndex): number {
    const a = index.public.attributes;
    if (authHandle === TPM_RH.OWNER) {
      if (!(a & TPMA_NV.OWNERREAD)) return TPM_RC.NV_AUTHORIZATION;
    } else if (authHandle === TPM_RH.PLATFORM) {
      if (!(a & TPMA_NV.PPREAD)) return TPM_RC.NV_AUTHORIZATION;
    } else if (authHandle === index.public.nvIndex) {
      if (!(a & (TPMA_NV.AUTHREAD | TPMA_NV.POLICYREAD))) return TPM_RC.NV_AUTHORIZATION;
    } else return TPM_RC.NV_AUTHORIZATION;
    if (a & TPMA_NV.READLOCKED) return TPM_RC.NV_LOCKED;
    if (!(a & TPMA_NV.WRITTEN)) return TPM_RC.NV_UNINITIALIZED;
    return 0;
  }

  isOrdinary(index: NvIndex): boolean {
    return nvType(index.public.attributes) === TPM_NT.ORDINARY;
  }

  /** TPM Reset: clear the TPMA_NV_*_STCLEAR locks. */
  onReset(): void {
    for (const i of this.indices.values()) {
      const a = i.public.attributes;
      let n = a;
      if (a & TPMA_NV.WRITE_STCLEAR) n &= ~TPMA_NV.WRITELOCKED;
      if (a & TPMA_NV.READ_STCLEAR) n &= ~TPMA_NV.READLOCKED;
      if (n !== a) i.public = { ...i.public, attributes: n >>> 0 };
      delete i.public.raw;
    }
  }
}
