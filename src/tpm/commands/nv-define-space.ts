/** TPM2_NV_DefineSpace (TPM 2.0 Part 3 §31.3): Define an NV index. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_AUTH } from '../types/basic.js';
import { TPM2B_NV_PUBLIC } from '../types/nv.js';
import { defineCommand } from './define.js';

export const TPM2_NV_DefineSpace = defineCommand({
  code: TPM_CC.NV_DefineSpace,
  name: 'TPM2_NV_DefineSpace',
  handles: [{ name: 'authHandle', auth: 'USER', type: 'TPMI_RH_PROVISION' }],
  params: {
    auth: TPM2B_AUTH,
    publicInfo: TPM2B_NV_PUBLIC,
  },
});
