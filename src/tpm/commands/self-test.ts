/** TPM2_SelfTest (TPM 2.0 Part 3 §10.2): Run the self tests (all, or those not yet run). */
import { TPM_CC } from '../types/constants.js';
import { TPMI_YES_NO } from '../types/codec.js';
import { defineCommand } from './define.js';

export const TPM2_SelfTest = defineCommand({
  code: TPM_CC.SelfTest,
  name: 'TPM2_SelfTest',
  params: {
    fullTest: TPMI_YES_NO,
  },
});
