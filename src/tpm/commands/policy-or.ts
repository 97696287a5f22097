/** TPM2_PolicyOR (TPM 2.0 Part 3 §23.6): Allow any one of several policy branches. */
import { TPM_CC } from '../types/constants.js';
import { TPML_DIGEST } from '../types/pcr.js';
import { defineCommand } from './define.js';

export const TPM2_PolicyOR = defineCommand({
  code: TPM_CC.PolicyOR,
  name: 'TPM2_PolicyOR',
  handles: [{ name: 'policySession', type: 'TPMI_SH_POLICY' }],
  params: {
    pHashList: TPML_DIGEST,
  },
});
