/** TPM2_ReadPublic (TPM 2.0 Part 3 §12.4): Public area, Name and qualified Name of a loaded object. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_NAME } from '../types/basic.js';
import { TPM2B_PUBLIC } from '../types/public.js';
import { defineCommand } from './define.js';

export const TPM2_ReadPublic = defineCommand({
  code: TPM_CC.ReadPublic,
  name: 'TPM2_ReadPublic',
  handles: [{ name: 'objectHandle', type: 'TPMI_DH_OBJECT' }],
  response: {
    outPublic: TPM2B_PUBLIC,
    name: TPM2B_NAME,
    qualifiedName: TPM2B_NAME,
  },
});
