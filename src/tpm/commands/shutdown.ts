/** TPM2_Shutdown (TPM 2.0 Part 3 §9.4): Prepare for power loss; TPM_SU_STATE saves state for a later Startup(STATE). */
import { TPM_CC } from '../types/constants.js';
import { UINT16 } from '../types/codec.js';
import { defineCommand } from './define.js';

export const TPM2_Shutdown = defineCommand({
  code: TPM_CC.Shutdown,
  name: 'TPM2_Shutdown',
  params: {
    shutdownType: UINT16,
  },
});
