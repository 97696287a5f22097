/** TPM2_NV_Write (TPM 2.0 Part 3 §31.7): Write to an ordinary NV index (at most NV_BUFFER_MAX bytes per command). */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_MAX_NV_BUFFER } from '../types/basic.js';
import { UINT16 } from '../types/codec.js';
import { defineCommand } from './define.js';

export const TPM2_NV_Write = defineCommand({
  code: TPM_CC.NV_Write,
  name: 'TPM2_NV_Write',
  handles: [{ name: 'authHandle', auth: 'USER', type: 'TPMI_RH_NV_AUTH' }, { name: 'nvIndex', type: 'TPMI_RH_NV_INDEX' }],
  params: {
    data: TPM2B_MAX_NV_BUFFER,
    offset: UINT16,
  },
});
