/** TPM2_PolicyPassword (Part 3 §23.18): the entity's authValue will be sent in clear (same digest as PolicyAuthValue). */
import { policyPassword as update } from '../../../crypto/policy.js';
import { TPM2_PolicyPassword } from '../../../commands/policy-password.js';
import { action } from '../../action.js';

export const policyPassword = action(TPM2_PolicyPassword, ({ entities }) => {
  const s = entities[0]!.session!;
  s.policy.policyDigest = update(s.hashAlg, s.policy.policyDigest);
  s.policy.isPasswordNeeded = true;
  s.policy.isAuthValueNeeded = false;
  return {};
});
