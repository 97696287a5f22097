/** TPM2_Startup (TPM 2.0 Part 3 §9.3): Initialise the TPM after _TPM_Init; TPM_SU_CLEAR resets PCRs and volatile state. */
import { TPM_CC } from '../types/constants.js';
import { UINT16 } from '../types/codec.js';
import { defineCommand } from './define.js';

export const TPM2_Startup = defineCommand({
  code: TPM_CC.Startup,
  name: 'TPM2_Startup',
  params: {
    startupType: UINT16,
  },
});
