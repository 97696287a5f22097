/** TPM2_ReadClock (TPM 2.0 Part 3 §29.1): Current time and clock. */
import { TPM_CC } from '../types/constants.js';
import { TPMS_TIME_INFO } from '../types/attest.js';
import { defineCommand } from './define.js';

export const TPM2_ReadClock = defineCommand({
  code: TPM_CC.ReadClock,
  name: 'TPM2_ReadClock',
  response: {
    currentTime: TPMS_TIME_INFO,
  },
});
