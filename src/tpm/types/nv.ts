/**
 * NV index public area (TPM 2.0 Part 2 §13.5). TPM2B_NV_PUBLIC keeps the decoded bytes in
 * `raw`, since an NV index's Name is nameAlg ‖ H(TPMS_NV_PUBLIC) (Part 1 §16).
 */
import { TPM_RC } from '../rc.js';
import { type Codec, fail, sized } from './codec.js';
import { TPM2B_DIGEST, TPMI_ALG_HASH } from './basic.js';
import { TPM_HT, TPMA_NV } from './constants.js';

export interface TPMS_NV_PUBLIC {
  nvIndex: number;
  nameAlg: number;
  attributes: number;
  authPolicy: Uint8Array;
  dataSize: number;
  raw?: Uint8Array;
}

export const TPMS_NV_PUBLIC: Codec<TPMS_NV_PUBLIC> = {
  name: 'TPMS_NV_PUBLIC',
  encode(w, v) {
    w.u32be(v.nvIndex).u16be(v.nameAlg).u32be(v.attributes);
    TPM2B_DIGEST.encode(w, v.authPolicy);
    w.u16be(v.dataSize);
  },
  decode(r) {
    return r.within('TPMS_NV_PUBLIC', () => {
      const start = r.offset;
      const nvIndex = r.u32be();
      if (nvIndex >>> 24 !== TPM_HT.NV_INDEX) fail(r, TPM_RC.VALUE, `0x${nvIndex.toString(16)} is not an NV index handle`, start);
      const nameAlg = TPMI_ALG_HASH.decode(r);
      const attributes = r.u32be();
      if (attributes & TPMA_NV.reserved) fail(r, TPM_RC.RESERVED_BITS, 'reserved TPMA_NV bits set', r.offset - 4);
      const authPolicy = TPM2B_DIGEST.decode(r);
      const dataSize = r.u16be();
      return { nvIndex, nameAlg, attributes, authPolicy, dataSize, raw: r.bytes.slice(start, r.offset) };
    });
  },
};
/** TPM2B_NV_PUBLIC (Part 2 §13.6). */
export const TPM2B_NV_PUBLIC = sized('TPM2B_NV_PUBLIC', TPMS_NV_PUBLIC);
