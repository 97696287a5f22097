/** TPM2_Shutdown (Part 3 §9.4): record an orderly shutdown; STATE also saves PCRs for a resume. */
import { TPM2_Shutdown } from '../../../commands/shutdown.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_SU } from '../../../types/constants.js';
import { action, paramError } from '../../action.js';

export const shutdown = action(TPM2_Shutdown, ({ tpm }, { shutdownType }) => {
  if (shutdownType !== TPM_SU.CLEAR && shutdownType !== TPM_SU.STATE) paramError(TPM_RC.VALUE, 1, 'shutdownType');
  tpm.shutdownType = shutdownType;
  tpm.savedPcrs = shutdownType === TPM_SU.STATE ? { values: tpm.pcrs.snapshot(), counter: tpm.pcrs.updateCounter } : undefined;
  tpm.dirty = true;
  return {};
});
