/** TPM2_NV_Read (TPM 2.0 Part 3 §31.13): Read from an NV index (at most NV_BUFFER_MAX bytes per command, so large certificates are read in chunks). */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_MAX_NV_BUFFER } from '../types/basic.js';
import { UINT16 } from '../types/codec.js';
import { defineCommand } from './define.js';

export const TPM2_NV_Read = defineCommand({
  code: TPM_CC.NV_Read,
  name: 'TPM2_NV_Read',
  handles: [{ name: 'authHandle', auth: 'USER', type: 'TPMI_RH_NV_AUTH' }, { name: 'nvIndex', type: 'TPMI_RH_NV_INDEX' }],
  params: {
    size: UINT16,
    offset: UINT16,
  },
  response: {
    data: TPM2B_MAX_NV_BUFFER,
  },
});
