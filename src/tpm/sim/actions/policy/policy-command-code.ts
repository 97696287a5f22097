/** TPM2_PolicyCommandCode (Part 3 §23.11): bind the policy to one command. */
import { policyCommandCode as update } from '../../../crypto/policy.js';
import { TPM2_PolicyCommandCode } from '../../../commands/policy-command-code.js';
import { TPM_RC } from '../../../rc.js';
import { action, paramError } from '../../action.js';

export const policyCommandCode = action(TPM2_PolicyCommandCode, ({ tpm, entities }, { code }) => {
  const s = entities[0]!.session!;
  if (s.policy.commandCode !== 0 && s.policy.commandCode !== code) paramError(TPM_RC.VALUE, 1, 'a different command code is already set');
  if (!tpm.commandAttributes.some((a) => (a & 0xffff) === code)) paramError(TPM_RC.POLICY_CC, 1, 'command not implemented');
  s.policy.commandCode = code;
  s.policy.policyDigest = update(s.hashAlg, s.policy.policyDigest, code);
  return {};
});
