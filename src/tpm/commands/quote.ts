/** TPM2_Quote (TPM 2.0 Part 3 §18.4): Sign a digest of selected PCRs together with caller data (the nonce). */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_ATTEST } from '../types/attest.js';
import { TPM2B_DATA } from '../types/basic.js';
import { TPML_PCR_SELECTION } from '../types/pcr.js';
import { TPMT_SIG_SCHEME } from '../types/schemes.js';
import { TPMT_SIGNATURE } from '../types/signature.js';
import { defineCommand } from './define.js';

export const TPM2_Quote = defineCommand({
  code: TPM_CC.Quote,
  name: 'TPM2_Quote',
  handles: [{ name: 'signHandle', auth: 'USER', type: 'TPMI_DH_OBJECT' }],
  params: {
    qualifyingData: TPM2B_DATA,
    inScheme: TPMT_SIG_SCHEME,
    PCRselect: TPML_PCR_SELECTION,
  },
  response: {
    quoted: TPM2B_ATTEST,
    signature: TPMT_SIGNATURE,
  },
});
