/** TPM2_PolicyGetDigest (TPM 2.0 Part 3 §23.19): The current policyDigest of a policy session. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_DIGEST } from '../types/basic.js';
import { defineCommand } from './define.js';

export const TPM2_PolicyGetDigest = defineCommand({
  code: TPM_CC.PolicyGetDigest,
  name: 'TPM2_PolicyGetDigest',
  handles: [{ name: 'policySession', type: 'TPMI_SH_POLICY' }],
  response: {
    policyDigest: TPM2B_DIGEST,
  },
});
