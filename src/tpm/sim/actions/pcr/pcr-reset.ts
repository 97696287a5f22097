/** TPM2_PCR_Reset (Part 3 §22.8): only PCRs resettable from the current locality (PC Client: 16 and 23 from any). */
import { TPM2_PCR_Reset } from '../../../commands/pcr-reset.js';
import { TPM_RC } from '../../../rc.js';
import { action, tpmError } from '../../action.js';
import { PCR_ATTRIBUTES } from '../../state/pcr-banks.js';

export const pcrReset = action(TPM2_PCR_Reset, ({ tpm, entities }) => {
  const pcr = entities[0]!.handle;
  if (!(PCR_ATTRIBUTES[pcr]!.resetLocalities & (1 << tpm.locality))) tpmError(TPM_RC.LOCALITY, `PCR ${pcr} cannot be reset from locality ${tpm.locality}`);
  tpm.pcrs.resetPcr(pcr);
  tpm.pcrs.changed(pcr);
  return {};
});
