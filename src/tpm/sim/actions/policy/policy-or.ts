/** TPM2_PolicyOR (Part 3 §23.6): the current digest must be one of the branches; the result is H(0…0 ‖ CC ‖ branches). */
import { bytesEqual } from '../../../../core/bytes.js';
import { policyOr as update } from '../../../crypto/policy.js';
import { TPM2_PolicyOR } from '../../../commands/policy-or.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_SE } from '../../../types/constants.js';
import { action, paramError } from '../../action.js';

export const policyOr = action(TPM2_PolicyOR, ({ entities }, { pHashList }) => {
  const s = entities[0]!.session!;
  if (pHashList.length < 2) paramError(TPM_RC.SIZE, 1, 'at least two branches');
  if (s.type !== TPM_SE.TRIAL && !pHashList.some((d) => bytesEqual(d, s.policy.policyDigest))) paramError(TPM_RC.VALUE, 1, 'policyDigest is not one of the branches');
  s.policy.policyDigest = update(s.hashAlg, pHashList);
  return {};
});
