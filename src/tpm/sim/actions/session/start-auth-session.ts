/**
 * TPM2_StartAuthSession (Part 3 §11.1): create an HMAC, policy or trial session.
 * A salt is decrypted with tpmKey (label "SECRET"); a bound session mixes the bind entity's
 * authValue into the session key: sessionKey = KDFa(authHash, bindAuth ‖ salt, "ATH",
 * nonceTPM, nonceCaller, digestBits).
 */
import { concat } from '../../../../core/bytes.js';
import { decryptSecret } from '../../../crypto/secret.js';
import { TPM2_StartAuthSession } from '../../../commands/start-auth-session.js';
import { TPM_RC } from '../../../rc.js';
import { hashSize } from '../../../types/basic.js';
import { TPM_ALG, TPM_RH, TPM_SE, TPMA_OBJECT } from '../../../types/constants.js';
import { sessionKeyOf } from '../../../session/auth-values.js';
import { action, handleError, paramError, tpmError } from '../../action.js';
import { entityAuthValue, entityName } from '../../entity.js';
import { privateKeyOf } from '../../state/objects.js';
import { emptyPolicy } from '../../state/sessions.js';

export const startAuthSession = action(TPM2_StartAuthSession, ({ tpm, entities }, { nonceCaller, encryptedSalt, sessionType, symmetric, authHash }) => {
  const [tpmKey, bind] = entities as [NonNullable<(typeof entities)[0]>, NonNullable<(typeof entities)[0]>];
  if (sessionType !== TPM_SE.HMAC && sessionType !== TPM_SE.POLICY && sessionType !== TPM_SE.TRIAL) paramError(TPM_RC.VALUE, 3, 'sessionType');
  if (symmetric.algorithm === TPM_ALG.AES && symmetric.mode !== TPM_ALG.CFB) paramError(TPM_RC.MODE, 4, 'parameter encryption uses CFB');
  const size = hashSize(authHash);
  if (nonceCaller.length < 16 || nonceCaller.length > size) paramError(TPM_RC.SIZE, 1, 'nonceCaller size');
  let salt: Uint8Array = new Uint8Array(0);
  if (tpmKey.handle !== TPM_RH.NULL) {
    const key = tpmKey.object!;
    const pub = key.public;
    if ((pub.type !== TPM_ALG.RSA && pub.type !== TPM_ALG.ECC) || !(pub.objectAttributes & TPMA_OBJECT.decrypt) || !key.sensitive) {
      handleError(TPM_RC.KEY, 1, 'tpmKey is not a loaded decryption key');
    }
    if (encryptedSalt.length === 0) paramError(TPM_RC.VALUE, 2, 'salt missing');
    try {
      salt = decryptSecret(pub, pub.type === TPM_ALG.RSA ? { key: privateKeyOf(key) } : { d: key.sensitive.sensitive }, 'SECRET', encryptedSalt);
    } catch {
      paramError(pub.type === TPM_ALG.ECC ? TPM_RC.ECC_POINT : TPM_RC.VALUE, 2, 'salt does not decrypt');
    }
  } else if (encryptedSalt.length !== 0) paramError(TPM_RC.VALUE, 2, 'salt without tpmKey');
  const handle = tpm.sessions.allocate(sessionType);
  if (handle === 'memory') tpmError(TPM_RC.SESSION_MEMORY);
  if (handle === 'handles') tpmError(TPM_RC.SESSION_HANDLES);
  const bound = bind.handle !== TPM_RH.NULL;
  const bindAuth = bound ? entityAuthValue(tpm, bind) : new Uint8Array(0);
  const nonceTPM = tpm.random(nonceCaller.length);
  tpm.sessions.add({
    handle,
    type: sessionType,
    hashAlg: authHash,
    symmetric,
    sessionKey: sessionKeyOf(authHash, bound, bindAuth, salt, nonceTPM, nonceCaller),
    nonceTPM,
    ...(bound && sessionType === TPM_SE.HMAC ? { boundEntity: concat(entityName(bind), bindAuth) } : {}),
    policy: emptyPolicy(size),
  });
  return { handle, nonceTPM };
});
