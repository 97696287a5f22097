/** TPM2_CertifyCreation (TPM 2.0 Part 3 §18.3): Prove the creation data of an object (with its creation ticket), signed by a signing key. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_ATTEST } from '../types/attest.js';
import { TPM2B_DATA, TPM2B_DIGEST } from '../types/basic.js';
import { TPMT_TK_CREATION } from '../types/creation.js';
import { TPMT_SIG_SCHEME } from '../types/schemes.js';
import { TPMT_SIGNATURE } from '../types/signature.js';
import { defineCommand } from './define.js';

export const TPM2_CertifyCreation = defineCommand({
  code: TPM_CC.CertifyCreation,
  name: 'TPM2_CertifyCreation',
  handles: [{ name: 'signHandle', auth: 'USER', type: 'TPMI_DH_OBJECT+' }, { name: 'objectHandle', type: 'TPMI_DH_OBJECT' }],
  params: {
    qualifyingData: TPM2B_DATA,
    creationHash: TPM2B_DIGEST,
    inScheme: TPMT_SIG_SCHEME,
    creationTicket: TPMT_TK_CREATION,
  },
  response: {
    certifyInfo: TPM2B_ATTEST,
    signature: TPMT_SIGNATURE,
  },
});
