/** TPM2_StirRandom (Part 3 §16.2): the platform's entropy source is a CSPRNG already; accepted and ignored. */
import { TPM2_StirRandom } from '../../../commands/stir-random.js';
import { action } from '../../action.js';

export const stirRandom = action(TPM2_StirRandom, () => ({}));
