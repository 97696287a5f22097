/** TPM2_StirRandom (TPM 2.0 Part 3 §16.2): Add entropy to the RNG state. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_SENSITIVE_DATA } from '../types/basic.js';
import { defineCommand } from './define.js';

export const TPM2_StirRandom = defineCommand({
  code: TPM_CC.StirRandom,
  name: 'TPM2_StirRandom',
  params: {
    inData: TPM2B_SENSITIVE_DATA,
  },
});
