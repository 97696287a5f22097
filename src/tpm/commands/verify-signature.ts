/** TPM2_VerifySignature (TPM 2.0 Part 3 §20.1): Verify a signature over a digest with a loaded public key; returns a ticket. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_DIGEST } from '../types/basic.js';
import { TPMT_TK_VERIFIED } from '../types/creation.js';
import { TPMT_SIGNATURE } from '../types/signature.js';
import { defineCommand } from './define.js';

export const TPM2_VerifySignature = defineCommand({
  code: TPM_CC.VerifySignature,
  name: 'TPM2_VerifySignature',
  handles: [{ name: 'keyHandle', type: 'TPMI_DH_OBJECT' }],
  params: {
    digest: TPM2B_DIGEST,
    signature: TPMT_SIGNATURE,
  },
  response: {
    validation: TPMT_TK_VERIFIED,
  },
});
