/** TPM2_SelfTest (Part 3 §10.2): node:crypto's algorithms need no field test; always passes. */
import { TPM2_SelfTest } from '../../../commands/self-test.js';
import { action } from '../../action.js';

export const selfTest = action(TPM2_SelfTest, () => ({}));
