/** TPM2_PCR_Event (TPM 2.0 Part 3 §22.3): Hash event data in every bank and extend a PCR with the results. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_EVENT } from '../types/basic.js';
import { TPML_DIGEST_VALUES } from '../types/pcr.js';
import { defineCommand } from './define.js';

export const TPM2_PCR_Event = defineCommand({
  code: TPM_CC.PCR_Event,
  name: 'TPM2_PCR_Event',
  handles: [{ name: 'pcrHandle', auth: 'USER', type: 'TPMI_DH_PCR+' }],
  params: {
    eventData: TPM2B_EVENT,
  },
  response: {
    digests: TPML_DIGEST_VALUES,
  },
});
