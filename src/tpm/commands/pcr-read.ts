/** TPM2_PCR_Read (TPM 2.0 Part 3 §22.4): Read PCR values (at most 8 digests per response; the returned selection says which). */
import { TPM_CC } from '../types/constants.js';
import { UINT32 } from '../types/codec.js';
import { TPML_DIGEST, TPML_PCR_SELECTION } from '../types/pcr.js';
import { defineCommand } from './define.js';

export const TPM2_PCR_Read = defineCommand({
  code: TPM_CC.PCR_Read,
  name: 'TPM2_PCR_Read',
  params: {
    pcrSelectionIn: TPML_PCR_SELECTION,
  },
  response: {
    pcrUpdateCounter: UINT32,
    pcrSelectionOut: TPML_PCR_SELECTION,
    pcrValues: TPML_DIGEST,
  },
});
