/** TPM2_GetRandom (Part 3 §16.1): at most sizeof(TPMU_HA) = 64 bytes per call. */
import { TPM2_GetRandom } from '../../../commands/get-random.js';
import { MAX_DIGEST } from '../../../types/basic.js';
import { action } from '../../action.js';

export const getRandom = action(TPM2_GetRandom, ({ tpm }, { bytesRequested }) => ({ randomBytes: tpm.random(Math.min(bytesRequested, MAX_DIGEST)) }));
