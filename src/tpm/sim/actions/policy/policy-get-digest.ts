/** TPM2_PolicyGetDigest (Part 3 §23.19). */
import { TPM2_PolicyGetDigest } from '../../../commands/policy-get-digest.js';
import { action } from '../../action.js';

export const policyGetDigest = action(TPM2_PolicyGetDigest, ({ entities }) => ({ policyDigest: entities[0]!.session!.policy.policyDigest }));
