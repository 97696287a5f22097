/** TPM2_MakeCredential (Part 3 §12.6): protect a credential for (key, objectName); no authorization needed. */
import { hashSize } from '../../../types/basic.js';
import { makeCredential as make } from '../../../crypto/make-credential.js';
import { TPM2_MakeCredential } from '../../../commands/make-credential.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_ALG } from '../../../types/constants.js';
import { action, handleError, paramError } from '../../action.js';
import { isStorageKey } from '../../keygen.js';

export const makeCredential = action(TPM2_MakeCredential, ({ tpm, entities }, { credential, objectName }) => {
  const key = entities[0]!.object!;
  const pub = key.public;
  if ((pub.type !== TPM_ALG.RSA && pub.type !== TPM_ALG.ECC) || !isStorageKey(pub)) handleError(TPM_RC.TYPE, 1, 'not a storage key');
  if (credential.length > hashSize(pub.nameAlg)) paramError(TPM_RC.SIZE, 1, 'credential larger than the nameAlg digest');
  const seed = pub.type === TPM_ALG.RSA ? tpm.random(hashSize(pub.nameAlg)) : undefined;
  return make(pub, credential, objectName, seed);
});
