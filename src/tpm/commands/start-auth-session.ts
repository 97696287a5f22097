/** TPM2_StartAuthSession (TPM 2.0 Part 3 §11.1): Start an HMAC, policy or trial session, optionally salted (tpmKey) and bound (bind). */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_ENCRYPTED_SECRET, TPM2B_NONCE, TPMI_ALG_HASH } from '../types/basic.js';
import { UINT8 } from '../types/codec.js';
import { TPMT_SYM_DEF } from '../types/schemes.js';
import { defineCommand } from './define.js';

export const TPM2_StartAuthSession = defineCommand({
  code: TPM_CC.StartAuthSession,
  name: 'TPM2_StartAuthSession',
  handles: [{ name: 'tpmKey', type: 'TPMI_DH_OBJECT+' }, { name: 'bind', type: 'TPMI_DH_ENTITY+' }],
  params: {
    nonceCaller: TPM2B_NONCE,
    encryptedSalt: TPM2B_ENCRYPTED_SECRET,
    sessionType: UINT8,
    symmetric: TPMT_SYM_DEF,
    authHash: TPMI_ALG_HASH,
  },
  responseHandle: 'sessionHandle',
  response: {
    nonceTPM: TPM2B_NONCE,
  },
});
