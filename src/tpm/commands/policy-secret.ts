/** TPM2_PolicySecret (TPM 2.0 Part 3 §23.4): Assert knowledge of the authorization of an entity (e.g. the endorsement hierarchy). */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_DIGEST, TPM2B_NONCE, TPM2B_TIMEOUT } from '../types/basic.js';
import { INT32 } from '../types/codec.js';
import { TPMT_TK_AUTH } from '../types/creation.js';
import { defineCommand } from './define.js';

export const TPM2_PolicySecret = defineCommand({
  code: TPM_CC.PolicySecret,
  name: 'TPM2_PolicySecret',
  handles: [{ name: 'authHandle', auth: 'USER', type: 'TPMI_DH_ENTITY' }, { name: 'policySession', type: 'TPMI_SH_POLICY' }],
  params: {
    nonceTPM: TPM2B_NONCE,
    cpHashA: TPM2B_DIGEST,
    policyRef: TPM2B_NONCE,
    expiration: INT32,
  },
  response: {
    timeout: TPM2B_TIMEOUT,
    policyTicket: TPMT_TK_AUTH,
  },
});
