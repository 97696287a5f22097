/**
 * TPM2_ActivateCredential (Part 3 §12.5): recover the seed with the EK's private key (label
 * "IDENTITY"), check the credential's HMAC against the Name of activateHandle, and return it.
 * The EK (keyHandle, USER role) can only be authorized through its policy.
 */
import { decryptSecret } from '../../../crypto/secret.js';
import { unprotectCredential } from '../../../crypto/make-credential.js';
import { TPM2_ActivateCredential } from '../../../commands/activate-credential.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_ALG, TPMA_OBJECT } from '../../../types/constants.js';
import { action, handleError, paramError } from '../../action.js';
import { privateKeyOf } from '../../state/objects.js';

export const activateCredential = action(TPM2_ActivateCredential, ({ entities }, { credentialBlob, secret }) => {
  const activate = entities[0]!.object!;
  const key = entities[1]!.object!;
  const pub = key.public;
  if ((pub.type !== TPM_ALG.RSA && pub.type !== TPM_ALG.ECC) || !(pub.objectAttributes & TPMA_OBJECT.decrypt) || !key.sensitive) {
    handleError(TPM_RC.TYPE, 2, 'keyHandle is not a decryption key');
  }
  let seed: Uint8Array;
  try {
    seed = decryptSecret(pub, pub.type === TPM_ALG.RSA ? { key: privateKeyOf(key) } : { d: key.sensitive.sensitive }, 'IDENTITY', secret);
  } catch {
    paramError(pub.type === TPM_ALG.ECC ? TPM_RC.ECC_POINT : TPM_RC.VALUE, 2, 'secret does not decrypt');
  }
  const cred = unprotectCredential(pub, seed, credentialBlob, activate.name);
  if (cred === 'integrity') paramError(TPM_RC.INTEGRITY, 1, 'credential HMAC does not match the object Name');
  if (cred === 'size') paramError(TPM_RC.SIZE, 1, 'malformed credential');
  return { certInfo: cred };
});
