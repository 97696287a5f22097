/** TPM2_FlushContext (TPM 2.0 Part 3 §28.4): Remove a transient object or session (the handle is a parameter, not in the handle area). */
import { TPM_CC } from '../types/constants.js';
import { UINT32 } from '../types/codec.js';
import { defineCommand } from './define.js';

export const TPM2_FlushContext = defineCommand({
  code: TPM_CC.FlushContext,
  name: 'TPM2_FlushContext',
  params: {
    flushHandle: UINT32,
  },
});
