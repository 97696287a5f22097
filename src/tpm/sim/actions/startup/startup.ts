/**
 * TPM2_Startup (Part 3 §9.3, Part 1 §12.2). Startup(CLEAR) after anything but Shutdown(STATE) is
 * a TPM Reset (resetCount+1, new null seed, all PCRs reset); after Shutdown(STATE) it is a TPM
 * Restart (restartCount+1). Startup(STATE) after Shutdown(STATE) is a TPM Resume: PCRs with the
 * "state save" attribute get their saved values back. PCR 0 records the locality of the
 * TPM2_Startup command (3 when firmware starts the TPM, as swtpm/libtpms does).
 */
import { TPM2_Startup } from '../../../commands/startup.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_SU } from '../../../types/constants.js';
import { action, paramError } from '../../action.js';

export const startup = action(
  TPM2_Startup,
  ({ tpm }, { startupType }) => {
    if (startupType !== TPM_SU.CLEAR && startupType !== TPM_SU.STATE) paramError(TPM_RC.VALUE, 1, 'startupType');
    const orderlyState = tpm.shutdownType === TPM_SU.STATE;
    if (startupType === TPM_SU.STATE && !(orderlyState && tpm.savedPcrs)) paramError(TPM_RC.VALUE, 1, 'no saved state to resume');
    tpm.pcrs.reset(tpm.locality);
    if (startupType === TPM_SU.STATE) {
      tpm.pcrs.restore(tpm.savedPcrs!.values, tpm.savedPcrs!.counter);
      tpm.restartCount++;
    } else if (orderlyState) {
      tpm.restartCount++;
    } else {
      tpm.resetCount++;
      tpm.restartCount = 0;
      tpm.hierarchy.resetNull(tpm.random(tpm.profile.seedSize));
      tpm.sessions.clear();
      tpm.nv.onReset();
    }
    tpm.hierarchy.platformAuth = new Uint8Array(0);
    tpm.shutdownType = undefined;
    tpm.savedPcrs = undefined;
    tpm.started = true;
    tpm.dirty = true;
    return {};
  },
  { noSessions: true },
);
