/** TPM2_GetTestResult (Part 3 §10.4): no failure to report. */
import { TPM2_GetTestResult } from '../../../commands/get-test-result.js';
import { action } from '../../action.js';

export const getTestResult = action(TPM2_GetTestResult, () => ({ outData: new Uint8Array(0), testResult: 0 }));
