/** TPM2_PolicyCommandCode (TPM 2.0 Part 3 §23.11): Limit a policy to one command. */
import { TPM_CC } from '../types/constants.js';
import { UINT32 } from '../types/codec.js';
import { defineCommand } from './define.js';

export const TPM2_PolicyCommandCode = defineCommand({
  code: TPM_CC.PolicyCommandCode,
  name: 'TPM2_PolicyCommandCode',
  handles: [{ name: 'policySession', type: 'TPMI_SH_POLICY' }],
  params: {
    code: UINT32,
  },
});
