/** TPM2_FlushContext (Part 3 §28.4): remove a transient object or a (loaded or saved) session. */
import { TPM2_FlushContext } from '../../../commands/flush-context.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_HT } from '../../../types/constants.js';
import { action, paramError } from '../../action.js';
import { typeAllows } from '../../entity.js';

export const flushContext = action(
  TPM2_FlushContext,
  ({ tpm }, { flushHandle }) => {
    const ht = flushHandle >>> 24;
    if (!typeAllows(tpm, 'TPMI_DH_CONTEXT', flushHandle)) paramError(TPM_RC.VALUE, 1, 'not a context handle');
    if (ht === TPM_HT.TRANSIENT) {
      if (!tpm.objects.flush(flushHandle)) paramError(TPM_RC.HANDLE, 1, 'no such object');
    } else if (ht === TPM_HT.HMAC_SESSION || ht === TPM_HT.POLICY_SESSION) {
      if (!tpm.sessions.flush(flushHandle)) paramError(TPM_RC.HANDLE, 1, 'no such session');
    } else paramError(TPM_RC.VALUE, 1, 'not a context handle');
    return {};
  },
  { noSessions: true },
);
