/** TPM2_PCR_Extend (Part 3 §22.2): extend each supplied bank; unallocated banks are skipped; TPM_RH_NULL is a no-op. */
import { TPM2_PCR_Extend } from '../../../commands/pcr-extend.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_RH } from '../../../types/constants.js';
import { action, tpmError } from '../../action.js';
import { PCR_ATTRIBUTES } from '../../state/pcr-banks.js';

export const pcrExtend = action(TPM2_PCR_Extend, ({ tpm, entities }, { digests }) => {
  const pcr = entities[0]!.handle;
  if (pcr === TPM_RH.NULL) return {};
  if (!(PCR_ATTRIBUTES[pcr]!.extendLocalities & (1 << tpm.locality))) tpmError(TPM_RC.LOCALITY, `PCR ${pcr} cannot be extended from locality ${tpm.locality}`);
  for (const d of digests) tpm.pcrs.extend(pcr, d.hashAlg, d.digest);
  tpm.pcrs.changed(pcr);
  return {};
});
