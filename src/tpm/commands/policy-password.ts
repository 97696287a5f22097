/** TPM2_PolicyPassword (TPM 2.0 Part 3 §23.18): Require the entity authValue in clear in the session hmac field. */
import { TPM_CC } from '../types/constants.js';
import { defineCommand } from './define.js';

export const TPM2_PolicyPassword = defineCommand({
  code: TPM_CC.PolicyPassword,
  name: 'TPM2_PolicyPassword',
  handles: [{ name: 'policySession', type: 'TPMI_SH_POLICY' }],
});
