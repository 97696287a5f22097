/** TPM2_PCR_Extend (TPM 2.0 Part 3 §22.2): Extend digests into a PCR, one per bank. */
import { TPM_CC } from '../types/constants.js';
import { TPML_DIGEST_VALUES } from '../types/pcr.js';
import { defineCommand } from './define.js';

export const TPM2_PCR_Extend = defineCommand({
  code: TPM_CC.PCR_Extend,
  name: 'TPM2_PCR_Extend',
  handles: [{ name: 'pcrHandle', auth: 'USER', type: 'TPMI_DH_PCR+' }],
  params: {
    digests: TPML_DIGEST_VALUES,
  },
});
