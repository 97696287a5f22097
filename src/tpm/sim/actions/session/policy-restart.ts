/** TPM2_PolicyRestart (Part 3 §11.2): reset a policy session's policy to the initial state. */
import { TPM2_PolicyRestart } from '../../../commands/policy-restart.js';
import { action } from '../../action.js';
import { emptyPolicy } from '../../state/sessions.js';

export const policyRestart = action(TPM2_PolicyRestart, ({ entities }) => {
  const s = entities[0]!.session!;
  s.policy = emptyPolicy(s.policy.policyDigest.length);
  return {};
});
