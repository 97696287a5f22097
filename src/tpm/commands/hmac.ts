/** TPM2_HMAC (TPM 2.0 Part 3 §15.5): HMAC of a buffer with a loaded keyed-hash key. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_DIGEST, TPM2B_MAX_BUFFER, TPMI_ALG_HASH_NULL } from '../types/basic.js';
import { defineCommand } from './define.js';

export const TPM2_HMAC = defineCommand({
  code: TPM_CC.HMAC,
  name: 'TPM2_HMAC',
  handles: [{ name: 'handle', auth: 'USER', type: 'TPMI_DH_OBJECT' }],
  params: {
    buffer: TPM2B_MAX_BUFFER,
    hashAlg: TPMI_ALG_HASH_NULL,
  },
  response: {
    outHMAC: TPM2B_DIGEST,
  },
});
