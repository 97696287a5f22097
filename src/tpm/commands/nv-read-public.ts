/** TPM2_NV_ReadPublic (TPM 2.0 Part 3 §31.6): Public area and Name of an NV index. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_NAME } from '../types/basic.js';
import { TPM2B_NV_PUBLIC } from '../types/nv.js';
import { defineCommand } from './define.js';

export const TPM2_NV_ReadPublic = defineCommand({
  code: TPM_CC.NV_ReadPublic,
  name: 'TPM2_NV_ReadPublic',
  handles: [{ name: 'nvIndex', type: 'TPMI_RH_NV_INDEX' }],
  response: {
    nvPublic: TPM2B_NV_PUBLIC,
    nvName: TPM2B_NAME,
  },
});
