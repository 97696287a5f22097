/** PCR commands (TPM 2.0 Part 3 §22) for TpmClient. */
import * as C from '../commands/index.js';
import { type TPMS_PCR_SELECTION, selectedPcrs } from '../types/pcr.js';
import type { TPMT_HA } from '../types/basic.js';
import { ClientCore } from './core.js';
import type { Authorization } from './execute.js';

export interface PcrReadResult {
  pcrUpdateCounter: number;
  /** bank (TPM_ALG_ID) → PCR index → value. */
  values: Map<number, Map<number, Uint8Array>>;
}

function remove(sel: TPMS_PCR_SELECTION[], got: readonly TPMS_PCR_SELECTION[]): TPMS_PCR_SELECTION[] {
  return sel
    .map((s) => {
      const g = got.find((x) => x.hash === s.hash);
      const pcrSelect = s.pcrSelect.slice();
      if (g) for (let i = 0; i < pcrSelect.length; i++) pcrSelect[i]! &= ~(g.pcrSelect[i] ?? 0);
      return { hash: s.hash, pcrSelect };
    })
    .filter((s) => s.pcrSelect.some((b) => b !== 0));
}

export class PcrClient extends ClientCore {
  /**
   * Read every selected PCR. A TPM returns at most 8 digests per TPM2_PCR_Read and says which in
   * pcrSelectionOut, so the remainder is requested again (Part 3 §22.4); an unimplemented bank
   * or PCR is simply absent from the result.
   */
  async pcrRead(selection: readonly TPMS_PCR_SELECTION[]): Promise<PcrReadResult> {
    const values = new Map<number, Map<number, Uint8Array>>();
    let rest: TPMS_PCR_SELECTION[] = selection.map((s) => ({ hash: s.hash, pcrSelect: s.pcrSelect.slice() }));
    let counter = 0;
    for (let round = 0; rest.length > 0 && round < 64; round++) {
      const { out } = await this.run(C.TPM2_PCR_Read, { pcrSelectionIn: rest });
      counter = out.pcrUpdateCounter;
      let k = 0;
      for (const s of out.pcrSelectionOut) {
        let bank = values.get(s.hash);
        if (!bank) values.set(s.hash, (bank = new Map()));
        for (const pcr of selectedPcrs(s)) {
          const v = out.pcrValues[k++];
          if (v) bank.set(pcr, v);
        }
      }
      if (out.pcrValues.length === 0) break;
      rest = remove(rest, out.pcrSelectionOut);
    }
    return { pcrUpdateCounter: counter, values };
  }

  async pcrExtend(pcr: number, digests: readonly TPMT_HA[], authorization?: Authorization): Promise<void> {
    await this.run(C.TPM2_PCR_Extend, { digests: [...digests] }, { handles: [pcr], auth: authorization ? [authorization] : [] });
  }

  async pcrEvent(pcr: number, eventData: Uint8Array, authorization?: Authorization): Promise<TPMT_HA[]> {
    const { out } = await this.run(C.TPM2_PCR_Event, { eventData }, { handles: [pcr], auth: authorization ? [authorization] : [] });
    return out.digests;
  }

  async pcrReset(pcr: number, authorization?: Authorization): Promise<void> {
    await this.run(C.TPM2_PCR_Reset, {}, { handles: [pcr], auth: authorization ? [authorization] : [] });
  }
}
