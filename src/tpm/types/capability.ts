/**
 * TPMS_CAPABILITY_DATA and its TPMU_CAPABILITIES members (TPM 2.0 Part 2 §10.10, §10.9).
 * List maxima follow MAX_CAP_BUFFER = 1024 (Part 2 §6.13 notes: MAX_CAP_DATA = 1024 − 8).
 */
import { TPM_RC } from '../rc.js';
import { type Codec, fail, list, struct, UINT16, UINT32, UINT8 } from './codec.js';
import { TPMT_HA } from './basic.js';
import { TPM_CAP } from './constants.js';
import { type TPMS_PCR_SELECTION, TPML_PCR_SELECTION } from './pcr.js';

export const MAX_CAP_DATA = 1024 - 8;

export interface TPMS_ALG_PROPERTY {
  alg: number;
  algProperties: number;
}
export interface TPMS_TAGGED_PROPERTY {
  property: number;
  value: number;
}
export interface TPMS_TAGGED_PCR_SELECT {
  tag: number;
  pcrSelect: Uint8Array;
}
export interface TPMS_TAGGED_POLICY {
  handle: number;
  policyHash: { hashAlg: number; digest: Uint8Array };
}

const TPMS_ALG_PROPERTY = struct('TPMS_ALG_PROPERTY', { alg: UINT16, algProperties: UINT32 });
const TPMS_TAGGED_PROPERTY = struct('TPMS_TAGGED_PROPERTY', { property: UINT32, value: UINT32 });
const TPMS_TAGGED_PCR_SELECT: Codec<TPMS_TAGGED_PCR_SELECT> = {
  name: 'TPMS_TAGGED_PCR_SELECT',
  encode(w, v) {
    w.u32be(v.tag).u8(v.pcrSelect.length).bytes(v.pcrSelect);
  },
  decode(r) {
    const tag = r.u32be();
    const n = UINT8.decode(r);
    return { tag, pcrSelect: r.read(n, 'pcrSelect') };
  },
};
const TPMS_TAGGED_POLICY = struct('TPMS_TAGGED_POLICY', { handle: UINT32, policyHash: TPMT_HA });

export const TPML_ALG_PROPERTY = list('TPML_ALG_PROPERTY', TPMS_ALG_PROPERTY, Math.floor(MAX_CAP_DATA / 6));
export const TPML_HANDLE = list('TPML_HANDLE', UINT32, Math.floor(MAX_CAP_DATA / 4));
export const TPML_CCA = list('TPML_CCA', UINT32, Math.floor(MAX_CAP_DATA / 4));
export const TPML_CC = list('TPML_CC', UINT32, Math.floor(MAX_CAP_DATA / 4));
export const TPML_TAGGED_TPM_PROPERTY = list('TPML_TAGGED_TPM_PROPERTY', TPMS_TAGGED_PROPERTY, Math.floor(MAX_CAP_DATA / 8));
export const TPML_TAGGED_PCR_PROPERTY = list('TPML_TAGGED_PCR_PROPERTY', TPMS_TAGGED_PCR_SELECT, Math.floor(MAX_CAP_DATA / 5));
export const TPML_ECC_CURVE = list('TPML_ECC_CURVE', UINT16, Math.floor(MAX_CAP_DATA / 2));
export const TPML_TAGGED_POLICY = list('TPML_TAGGED_POLICY', TPMS_TAGGED_POLICY, Math.floor(MAX_CAP_DATA / 70));

/** TPMS_CAPABILITY_DATA (Part 2 §10.10.2), discriminated by `capability`. */
export type TPMS_CAPABILITY_DATA =
  | { capability: typeof TPM_CAP.ALGS; data: TPMS_ALG_PROPERTY[] }
  | { capability: typeof TPM_CAP.HANDLES; data: number[] }
  | { capability: typeof TPM_CAP.COMMANDS; data: number[] }
  | { capability: typeof TPM_CAP.PP_COMMANDS; data: number[] }
  | { capability: typeof TPM_CAP.AUDIT_COMMANDS; data: number[] }
  | { capability: typeof TPM_CAP.PCRS; data: TPMS_PCR_SELECTION[] }
  | { capability: typeof TPM_CAP.TPM_PROPERTIES; data: TPMS_TAGGED_PROPERTY[] }
  | { capability: typeof TPM_CAP.PCR_PROPERTIES; data: TPMS_TAGGED_PCR_SELECT[] }
  | { capability: typeof TPM_CAP.ECC_CURVES; data: number[] }
  | { capability: typeof TPM_CAP.AUTH_POLICIES; data: TPMS_TAGGED_POLICY[] };

const MEMBER: Record<number, Codec<any>> = {
  [TPM_CAP.ALGS]: TPML_ALG_PROPERTY,
  [TPM_CAP.HANDLES]: TPML_HANDLE,
  [TPM_CAP.COMMANDS]: TPML_CCA,
  [TPM_CAP.PP_COMMANDS]: TPML_CC,
  [TPM_CAP.AUDIT_COMMANDS]: TPML_CC,
  [TPM_CAP.PCRS]: TPML_PCR_SELECTION,
  [TPM_CAP.TPM_PROPERTIES]: TPML_TAGGED_TPM_PROPERTY,
  [TPM_CAP.PCR_PROPERTIES]: TPML_TAGGED_PCR_PROPERTY,
  [TPM_CAP.ECC_CURVES]: TPML_ECC_CURVE,
  [TPM_CAP.AUTH_POLICIES]: TPML_TAGGED_POLICY,
};

export const TPMS_CAPABILITY_DATA: Codec<TPMS_CAPABILITY_DATA> = {
  name: 'TPMS_CAPABILITY_DATA',
  encode(w, v) {
    w.u32be(v.capability);
    const c = MEMBER[v.capability];
    if (!c) throw new RangeError(`capability ${v.capability}`);
    c.encode(w, v.data);
  },
  decode(r) {
    return r.within('TPMS_CAPABILITY_DATA', () => {
      const capability = UINT32.decode(r);
      const c = MEMBER[capability];
      if (!c) fail(r, TPM_RC.SELECTOR, `capability ${capability}`, r.offset - 4);
      return { capability, data: c.decode(r) } as TPMS_CAPABILITY_DATA;
    });
  },
};
