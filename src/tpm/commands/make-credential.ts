/** TPM2_MakeCredential (TPM 2.0 Part 3 §12.6): Seal a credential to a key (usually an EK) and an object Name. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_DIGEST, TPM2B_ENCRYPTED_SECRET, TPM2B_ID_OBJECT, TPM2B_NAME } from '../types/basic.js';
import { defineCommand } from './define.js';

export const TPM2_MakeCredential = defineCommand({
  code: TPM_CC.MakeCredential,
  name: 'TPM2_MakeCredential',
  handles: [{ name: 'handle', type: 'TPMI_DH_OBJECT' }],
  params: {
    credential: TPM2B_DIGEST,
    objectName: TPM2B_NAME,
  },
  response: {
    credentialBlob: TPM2B_ID_OBJECT,
    secret: TPM2B_ENCRYPTED_SECRET,
  },
});
