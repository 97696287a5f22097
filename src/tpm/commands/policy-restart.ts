/** TPM2_PolicyRestart (TPM 2.0 Part 3 §11.2): Reset a policy session to its initial state. */
import { TPM_CC } from '../types/constants.js';
import { defineCommand } from './define.js';

export const TPM2_PolicyRestart = defineCommand({
  code: TPM_CC.PolicyRestart,
  name: 'TPM2_PolicyRestart',
  handles: [{ name: 'sessionHandle', type: 'TPMI_SH_POLICY' }],
});
