/** TPM2_PolicyPCR (TPM 2.0 Part 3 §23.7): Gate a policy on the values of selected PCRs. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_DIGEST } from '../types/basic.js';
import { TPML_PCR_SELECTION } from '../types/pcr.js';
import { defineCommand } from './define.js';

export const TPM2_PolicyPCR = defineCommand({
  code: TPM_CC.PolicyPCR,
  name: 'TPM2_PolicyPCR',
  handles: [{ name: 'policySession', type: 'TPMI_SH_POLICY' }],
  params: {
    pcrDigest: TPM2B_DIGEST,
    pcrs: TPML_PCR_SELECTION,
  },
});
