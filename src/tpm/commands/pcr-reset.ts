/** TPM2_PCR_Reset (TPM 2.0 Part 3 §22.8): Reset a resettable PCR (PC Client: PCR 16 and 23 at locality 0). */
import { TPM_CC } from '../types/constants.js';
import { defineCommand } from './define.js';

export const TPM2_PCR_Reset = defineCommand({
  code: TPM_CC.PCR_Reset,
  name: 'TPM2_PCR_Reset',
  handles: [{ name: 'pcrHandle', auth: 'USER', type: 'TPMI_DH_PCR' }],
});
