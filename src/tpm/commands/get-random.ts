/** TPM2_GetRandom (TPM 2.0 Part 3 §16.1): Random bytes from the TPM RNG (at most the largest digest size). */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_DIGEST } from '../types/basic.js';
import { UINT16 } from '../types/codec.js';
import { defineCommand } from './define.js';

export const TPM2_GetRandom = defineCommand({
  code: TPM_CC.GetRandom,
  name: 'TPM2_GetRandom',
  params: {
    bytesRequested: UINT16,
  },
  response: {
    randomBytes: TPM2B_DIGEST,
  },
});
