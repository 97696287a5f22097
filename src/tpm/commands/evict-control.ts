/** TPM2_EvictControl (TPM 2.0 Part 3 §28.5): Make a transient object persistent, or remove a persistent object. */
import { TPM_CC } from '../types/constants.js';
import { UINT32 } from '../types/codec.js';
import { defineCommand } from './define.js';

export const TPM2_EvictControl = defineCommand({
  code: TPM_CC.EvictControl,
  name: 'TPM2_EvictControl',
  handles: [{ name: 'auth', auth: 'USER', type: 'TPMI_RH_PROVISION' }, { name: 'objectHandle', type: 'TPMI_DH_OBJECT' }],
  params: {
    persistentHandle: UINT32,
  },
});
