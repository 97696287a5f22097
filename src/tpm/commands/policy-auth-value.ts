/** TPM2_PolicyAuthValue (TPM 2.0 Part 3 §23.17): Require the entity authValue in the session HMAC. */
import { TPM_CC } from '../types/constants.js';
import { defineCommand } from './define.js';

export const TPM2_PolicyAuthValue = defineCommand({
  code: TPM_CC.PolicyAuthValue,
  name: 'TPM2_PolicyAuthValue',
  handles: [{ name: 'policySession', type: 'TPMI_SH_POLICY' }],
});
