/** TPM2_NV_UndefineSpace (TPM 2.0 Part 3 §31.4): Remove an NV index. */
import { TPM_CC } from '../types/constants.js';
import { defineCommand } from './define.js';

export const TPM2_NV_UndefineSpace = defineCommand({
  code: TPM_CC.NV_UndefineSpace,
  name: 'TPM2_NV_UndefineSpace',
  handles: [{ name: 'authHandle', auth: 'USER', type: 'TPMI_RH_PROVISION' }, { name: 'nvIndex', type: 'TPMI_RH_NV_INDEX' }],
});
