/** TPM2_ContextLoad (TPM 2.0 Part 3 §28.3): Reload a saved context. */
import { TPM_CC } from '../types/constants.js';
import { TPMS_CONTEXT } from '../types/context.js';
import { defineCommand } from './define.js';

export const TPM2_ContextLoad = defineCommand({
  code: TPM_CC.ContextLoad,
  name: 'TPM2_ContextLoad',
  params: {
    context: TPMS_CONTEXT,
  },
  responseHandle: 'loadedHandle',
});
