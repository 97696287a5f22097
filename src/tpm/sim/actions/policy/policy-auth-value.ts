/** TPM2_PolicyAuthValue (Part 3 §23.17): the session HMAC will include the entity's authValue. */
import { policyAuthValue as update } from '../../../crypto/policy.js';
import { TPM2_PolicyAuthValue } from '../../../commands/policy-auth-value.js';
import { action } from '../../action.js';

export const policyAuthValue = action(TPM2_PolicyAuthValue, ({ entities }) => {
  const s = entities[0]!.session!;
  s.policy.policyDigest = update(s.hashAlg, s.policy.policyDigest);
  s.policy.isAuthValueNeeded = true;
  s.policy.isPasswordNeeded = false;
  return {};
});
