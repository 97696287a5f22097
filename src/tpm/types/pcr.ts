/**
 * PCR selection and digest lists (TPM 2.0 Part 2 §10.6, §10.9).
 */
import { TPM_RC } from '../rc.js';
import { type Codec, fail, list } from './codec.js';
import { TPM2B_DIGEST, TPMI_ALG_HASH, TPMT_HA } from './basic.js';

/** Number of PCRs (PC Client profile: 24) and the select-bitmap size bounds (PCR_SELECT_MIN/MAX). */
export const IMPLEMENTATION_PCR = 24;
export const PCR_SELECT_MIN = 3;
export const PCR_SELECT_MAX = 3;
export const HASH_COUNT = 16;

/** TPMS_PCR_SELECTION (Part 2 §10.6.2): `pcrSelect` is the raw bitmap, bit n of byte n/8 = PCR n. */
export interface TPMS_PCR_SELECTION {
  hash: number;
  pcrSelect: Uint8Array;
}

export const TPMS_PCR_SELECTION: Codec<TPMS_PCR_SELECTION> = {
  name: 'TPMS_PCR_SELECTION',
  encode(w, v) {
    w.u16be(v.hash).u8(v.pcrSelect.length).bytes(v.pcrSelect);
  },
  decode(r) {
    return r.within('TPMS_PCR_SELECTION', () => {
      const hash = TPMI_ALG_HASH.decode(r);
      const n = r.u8();
      // ms-tpm-20-ref Marshal.c (Table 2:94): sizeofSelect outside [PCR_SELECT_MIN, PCR_SELECT_MAX] is TPM_RC_VALUE.
      if (n < PCR_SELECT_MIN || n > PCR_SELECT_MAX) fail(r, TPM_RC.VALUE, `sizeofSelect ${n} out of range`, r.offset - 1);
      return { hash, pcrSelect: r.read(n, 'pcrSelect') };
    });
  },
};

/** TPML_PCR_SELECTION (Part 2 §10.9.7). */
export const TPML_PCR_SELECTION = list('TPML_PCR_SELECTION', TPMS_PCR_SELECTION, HASH_COUNT);
/** TPML_DIGEST (Part 2 §10.9.3): at most 8 digests (PCR_Read returns at most 8 values). */
export const TPML_DIGEST = list('TPML_DIGEST', TPM2B_DIGEST, 8);
/** TPML_DIGEST_VALUES (Part 2 §10.9.4). */
export const TPML_DIGEST_VALUES = list('TPML_DIGEST_VALUES', TPMT_HA, HASH_COUNT);

/** A selection of `pcrs` in bank `hash` with a 3-byte bitmap (as tpm2-tools sends it). */
export function pcrSelection(hash: number, pcrs: readonly number[], sizeofSelect = PCR_SELECT_MIN): TPMS_PCR_SELECTION {
  const pcrSelect = new Uint8Array(sizeofSelect);
  for (const p of pcrs) {
    if (!Number.isInteger(p) || p < 0 || p >= sizeofSelect * 8) throw new RangeError(`PCR index ${p} out of range`);
    pcrSelect[p >> 3]! |= 1 << (p & 7);
  }
  return { hash, pcrSelect };
}

/** PCR indices selected by a bitmap, ascending (the order PCR values are read and digested in). */
export function selectedPcrs(sel: TPMS_PCR_SELECTION): number[] {
  const out: number[] = [];
  for (let i = 0; i < sel.pcrSelect.length * 8; i++) if (sel.pcrSelect[i >> 3]! & (1 << (i & 7))) out.push(i);
  return out;
}
