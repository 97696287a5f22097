/** TPM2_HMAC (Part 3 §15.5): HMAC with an unrestricted keyed-hash signing key. */
import { hmac as hmacOf } from '../../../crypto/symmetric.js';
import { TPM2_HMAC } from '../../../commands/hmac.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_ALG, TPMA_OBJECT } from '../../../types/constants.js';
import { action, handleError, paramError } from '../../action.js';

export const hmac = action(TPM2_HMAC, ({ entities }, { buffer, hashAlg }) => {
  const key = entities[0]!.object!;
  const pub = key.public;
  if (pub.type !== TPM_ALG.KEYEDHASH) handleError(TPM_RC.TYPE, 1, 'not a keyed-hash object');
  if (!(pub.objectAttributes & TPMA_OBJECT.sign) || pub.objectAttributes & TPMA_OBJECT.restricted) handleError(TPM_RC.ATTRIBUTES, 1, 'not an unrestricted signing key');
  const keyHash = pub.parameters.scheme.scheme === TPM_ALG.HMAC ? pub.parameters.scheme.hashAlg : TPM_ALG.NULL;
  let alg = hashAlg;
  if (keyHash !== TPM_ALG.NULL) {
    if (hashAlg !== TPM_ALG.NULL && hashAlg !== keyHash) paramError(TPM_RC.VALUE, 2, 'hashAlg differs from the key scheme');
    alg = keyHash;
  } else if (hashAlg === TPM_ALG.NULL) paramError(TPM_RC.VALUE, 2, 'no hash algorithm');
  return { outHMAC: hmacOf(alg, key.sensitive!.sensitive, buffer) };
});
