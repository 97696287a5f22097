/** TPM2_ContextSave (TPM 2.0 Part 3 §28.2): Save a loaded object or session context, integrity-protected and encrypted by the TPM. */
import { TPM_CC } from '../types/constants.js';
import { TPMS_CONTEXT } from '../types/context.js';
import { defineCommand } from './define.js';

export const TPM2_ContextSave = defineCommand({
  code: TPM_CC.ContextSave,
  name: 'TPM2_ContextSave',
  handles: [{ name: 'saveHandle', type: 'TPMI_DH_CONTEXT' }],
  response: {
    context: TPMS_CONTEXT,
  },
});
