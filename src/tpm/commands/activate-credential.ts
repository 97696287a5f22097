/** TPM2_ActivateCredential (TPM 2.0 Part 3 §12.5): Recover a credential sealed by MakeCredential to (EK, object Name). */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_DIGEST, TPM2B_ENCRYPTED_SECRET, TPM2B_ID_OBJECT } from '../types/basic.js';
import { defineCommand } from './define.js';

export const TPM2_ActivateCredential = defineCommand({
  code: TPM_CC.ActivateCredential,
  name: 'TPM2_ActivateCredential',
  handles: [{ name: 'activateHandle', auth: 'ADMIN', type: 'TPMI_DH_OBJECT' }, { name: 'keyHandle', auth: 'USER', type: 'TPMI_DH_OBJECT' }],
  params: {
    credentialBlob: TPM2B_ID_OBJECT,
    secret: TPM2B_ENCRYPTED_SECRET,
  },
  response: {
    certInfo: TPM2B_DIGEST,
  },
});
