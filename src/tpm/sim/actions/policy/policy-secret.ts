/**
 * TPM2_PolicySecret (Part 3 §23.4): the caller proved knowledge of authHandle's authorization
 * (checked by the session layer), so policyDigest := PolicyUpdate(CC_PolicySecret, authName,
 * policyRef). For the TCG EK this is PolicySecret(TPM_RH_ENDORSEMENT).
 */
import { bytesEqual } from '../../../../core/bytes.js';
import { policySecret as update } from '../../../crypto/policy.js';
import { TPM2_PolicySecret } from '../../../commands/policy-secret.js';
import { TPM_RC } from '../../../rc.js';
import { hashSize } from '../../../types/basic.js';
import { TPM_ST, TPM_RH } from '../../../types/constants.js';
import { action, paramError } from '../../action.js';
import { entityName } from '../../entity.js';
import { authTicket, nullTicket } from '../../tickets.js';

export const policySecret = action(TPM2_PolicySecret, ({ tpm, entities }, { nonceTPM, cpHashA, policyRef, expiration }) => {
  const [auth, sess] = entities as [NonNullable<(typeof entities)[0]>, NonNullable<(typeof entities)[0]>];
  const s = sess.session!;
  if (nonceTPM.length !== 0 && !bytesEqual(nonceTPM, s.nonceTPM)) paramError(TPM_RC.NONCE, 1, 'nonceTPM is not the session nonce');
  if (expiration !== 0 && nonceTPM.length === 0 && expiration > 0) paramError(TPM_RC.EXPIRED, 4, 'expiration needs nonceTPM');
  if (cpHashA.length !== 0) {
    if (cpHashA.length !== hashSize(s.hashAlg)) paramError(TPM_RC.SIZE, 2, 'cpHashA size');
    if (s.policy.cpHash && !bytesEqual(s.policy.cpHash, cpHashA)) paramError(TPM_RC.CPHASH, 2, 'cpHash already set');
    s.policy.cpHash = cpHashA;
  }
  const name = entityName(auth);
  s.policy.policyDigest = update(s.hashAlg, s.policy.policyDigest, name, policyRef);
  if (expiration >= 0) return { timeout: new Uint8Array(0), policyTicket: nullTicket(TPM_ST.AUTH_SECRET) };
  const timeout = new Uint8Array(8);
  new DataView(timeout.buffer).setBigUint64(0, tpm.clock() + BigInt(-expiration) * 1000n);
  const hierarchy = auth.object?.hierarchy ?? TPM_RH.OWNER;
  return { timeout, policyTicket: authTicket(tpm, hierarchy, timeout, cpHashA, policyRef, name) };
});
