/** TPM2_Hash (TPM 2.0 Part 3 §15.4): Hash data; returns a ticket that lets a restricted key sign the digest when the data is not TPM-generated. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_DIGEST, TPM2B_MAX_BUFFER, TPMI_ALG_HASH } from '../types/basic.js';
import { UINT32 } from '../types/codec.js';
import { TPMT_TK_HASHCHECK } from '../types/creation.js';
import { defineCommand } from './define.js';

export const TPM2_Hash = defineCommand({
  code: TPM_CC.Hash,
  name: 'TPM2_Hash',
  params: {
    data: TPM2B_MAX_BUFFER,
    hashAlg: TPMI_ALG_HASH,
    hierarchy: UINT32,
  },
  response: {
    outHash: TPM2B_DIGEST,
    validation: TPMT_TK_HASHCHECK,
  },
});
