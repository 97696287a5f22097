/** TPM2_GetTestResult (TPM 2.0 Part 3 §10.4): Result of the self tests. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_MAX_BUFFER } from '../types/basic.js';
import { UINT32 } from '../types/codec.js';
import { defineCommand } from './define.js';

export const TPM2_GetTestResult = defineCommand({
  code: TPM_CC.GetTestResult,
  name: 'TPM2_GetTestResult',
  response: {
    outData: TPM2B_MAX_BUFFER,
    testResult: UINT32,
  },
});
