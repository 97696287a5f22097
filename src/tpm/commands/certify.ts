/** TPM2_Certify (TPM 2.0 Part 3 §18.2): Prove that an object is loaded in this TPM, signed by a signing key. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_ATTEST } from '../types/attest.js';
import { TPM2B_DATA } from '../types/basic.js';
import { TPMT_SIG_SCHEME } from '../types/schemes.js';
import { TPMT_SIGNATURE } from '../types/signature.js';
import { defineCommand } from './define.js';

export const TPM2_Certify = defineCommand({
  code: TPM_CC.Certify,
  name: 'TPM2_Certify',
  handles: [{ name: 'objectHandle', auth: 'ADMIN', type: 'TPMI_DH_OBJECT' }, { name: 'signHandle', auth: 'USER', type: 'TPMI_DH_OBJECT+' }],
  params: {
    qualifyingData: TPM2B_DATA,
    inScheme: TPMT_SIG_SCHEME,
  },
  response: {
    certifyInfo: TPM2B_ATTEST,
    signature: TPMT_SIGNATURE,
  },
});
