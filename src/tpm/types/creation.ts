/**
 * Creation data and tickets (TPM 2.0 Part 2 §15 and §10.7).
 */
import { type Codec, sized, struct, UINT8, UINT16, UINT32 } from './codec.js';
import { TPM2B_DATA, TPM2B_DIGEST, TPM2B_NAME } from './basic.js';
import { type TPMS_PCR_SELECTION, TPML_PCR_SELECTION } from './pcr.js';

/** TPMS_CREATION_DATA (Part 2 §15.1). */
export interface TPMS_CREATION_DATA {
  pcrSelect: TPMS_PCR_SELECTION[];
  pcrDigest: Uint8Array;
  locality: number;
  parentNameAlg: number;
  parentName: Uint8Array;
  parentQualifiedName: Uint8Array;
  outsideInfo: Uint8Array;
}

export const TPMS_CREATION_DATA: Codec<TPMS_CREATION_DATA> = struct('TPMS_CREATION_DATA', {
  pcrSelect: TPML_PCR_SELECTION,
  pcrDigest: TPM2B_DIGEST,
  locality: UINT8,
  parentNameAlg: UINT16,
  parentName: TPM2B_NAME,
  parentQualifiedName: TPM2B_NAME,
  outsideInfo: TPM2B_DATA,
});
/** TPM2B_CREATION_DATA (Part 2 §15.2). */
export const TPM2B_CREATION_DATA = sized('TPM2B_CREATION_DATA', TPMS_CREATION_DATA);

/** The common shape of TPMT_TK_CREATION / _VERIFIED / _AUTH / _HASHCHECK (Part 2 §10.7). */
export interface TPMT_TK {
  tag: number;
  hierarchy: number;
  digest: Uint8Array;
}

function ticket(name: string): Codec<TPMT_TK> {
  return struct(name, { tag: UINT16, hierarchy: UINT32, digest: TPM2B_DIGEST });
}
export const TPMT_TK_CREATION = ticket('TPMT_TK_CREATION');
export const TPMT_TK_VERIFIED = ticket('TPMT_TK_VERIFIED');
export const TPMT_TK_AUTH = ticket('TPMT_TK_AUTH');
export const TPMT_TK_HASHCHECK = ticket('TPMT_TK_HASHCHECK');
