/** TPM2_PCR_Event (Part 3 §22.3): hash eventData with every implemented hash; extend the allocated banks. */
import { hash } from '../../../../core/hash.js';
import { TPM2_PCR_Event } from '../../../commands/pcr-event.js';
import { TPM_RC } from '../../../rc.js';
import { HASH_ALGS } from '../../../types/basic.js';
import { TPM_RH } from '../../../types/constants.js';
import { action, tpmError } from '../../action.js';
import { PCR_ATTRIBUTES } from '../../state/pcr-banks.js';

export const pcrEvent = action(TPM2_PCR_Event, ({ tpm, entities }, { eventData }) => {
  const pcr = entities[0]!.handle;
  const digests = HASH_ALGS.map((hashAlg) => ({ hashAlg, digest: hash(hashAlg, eventData) }));
  if (pcr !== TPM_RH.NULL) {
    if (!(PCR_ATTRIBUTES[pcr]!.extendLocalities & (1 << tpm.locality))) tpmError(TPM_RC.LOCALITY, `PCR ${pcr} cannot be extended from locality ${tpm.locality}`);
    for (const d of digests) tpm.pcrs.extend(pcr, d.hashAlg, d.digest);
    tpm.pcrs.changed(pcr);
  }
  return { digests };
});
