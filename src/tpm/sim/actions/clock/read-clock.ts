/** TPM2_ReadClock (Part 3 §29.1): Time since _TPM_Init and the persistent Clock. */
import { TPM2_ReadClock } from '../../../commands/read-clock.js';
import { action } from '../../action.js';

export const readClock = action(TPM2_ReadClock, ({ tpm }) => ({
  currentTime: { time: BigInt(Math.max(0, Math.floor(tpm.now() - tpm.timeEpoch))), clockInfo: tpm.clockInfo() },
}));
