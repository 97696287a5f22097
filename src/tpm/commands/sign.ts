/** TPM2_Sign (TPM 2.0 Part 3 §20.2): Sign a digest; a restricted key needs a hash-check ticket showing the data was not TPM-generated. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_DIGEST } from '../types/basic.js';
import { TPMT_TK_HASHCHECK } from '../types/creation.js';
import { TPMT_SIG_SCHEME } from '../types/schemes.js';
import { TPMT_SIGNATURE } from '../types/signature.js';
import { defineCommand } from './define.js';

export const TPM2_Sign = defineCommand({
  code: TPM_CC.Sign,
  name: 'TPM2_Sign',
  handles: [{ name: 'keyHandle', auth: 'USER', type: 'TPMI_DH_OBJECT' }],
  params: {
    digest: TPM2B_DIGEST,
    inScheme: TPMT_SIG_SCHEME,
    validation: TPMT_TK_HASHCHECK,
  },
  response: {
    signature: TPMT_SIGNATURE,
  },
});
