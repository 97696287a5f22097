/** TPM2_Load (TPM 2.0 Part 3 §12.2): Load an object created by TPM2_Create under the same parent. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_NAME, TPM2B_PRIVATE } from '../types/basic.js';
import { TPM2B_PUBLIC } from '../types/public.js';
import { defineCommand } from './define.js';

export const TPM2_Load = defineCommand({
  code: TPM_CC.Load,
  name: 'TPM2_Load',
  handles: [{ name: 'parentHandle', auth: 'USER', type: 'TPMI_DH_OBJECT' }],
  params: {
    inPrivate: TPM2B_PRIVATE,
    inPublic: TPM2B_PUBLIC,
  },
  responseHandle: 'objectHandle',
  response: {
    name: TPM2B_NAME,
  },
});
