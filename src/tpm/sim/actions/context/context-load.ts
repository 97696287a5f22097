/**
 * TPM2_ContextLoad (Part 3 §28.3): reload a saved object (into a new transient slot) or a saved
 * session (same handle; only the most recent save of it is accepted). A blob that fails its
 * integrity check — tampered, from another TPM, or from before a TPM Reset for the null
 * hierarchy — is TPM_RC_INTEGRITY.
 */
import { TPM2_ContextLoad } from '../../../commands/context-load.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_HT, TPM_RH } from '../../../types/constants.js';
import { action, paramError, tpmError } from '../../action.js';
import { typeAllows } from '../../entity.js';
import { decodeObject, openContext } from '../../context-blob.js';

const HIERARCHIES: readonly number[] = [TPM_RH.OWNER, TPM_RH.ENDORSEMENT, TPM_RH.PLATFORM, TPM_RH.NULL];

export const contextLoad = action(
  TPM2_ContextLoad,
  ({ tpm }, { context }) => {
    const ht = context.savedHandle >>> 24;
    // TPMS_CONTEXT unmarshalling: savedHandle is a TPMI_DH_SAVED (a session, or 0x80000000–2 for
    // objects) and hierarchy a TPMI_RH_HIERARCHY+; anything else is TPM_RC_VALUE.
    const objectSlot = ht === TPM_HT.TRANSIENT && (context.savedHandle & 0xffffff) <= 2;
    if (!objectSlot && !typeAllows(tpm, 'TPMI_DH_CONTEXT', context.savedHandle)) paramError(TPM_RC.VALUE, 1, 'savedHandle');
    if (!HIERARCHIES.includes(context.hierarchy)) paramError(TPM_RC.VALUE, 1, 'hierarchy');
    if (ht === TPM_HT.HMAC_SESSION || ht === TPM_HT.POLICY_SESSION) {
      const s = tpm.sessions.get(context.savedHandle);
      if (!s || s.savedSequence === undefined) paramError(TPM_RC.HANDLE, 1, 'no such saved session');
      if (s.savedSequence !== context.sequence || !openContext(tpm.hierarchy.proofOf(TPM_RH.NULL), context.sequence, context.savedHandle, context.contextBlob)) {
        paramError(TPM_RC.INTEGRITY, 1, 'stale or altered session context');
      }
      if (tpm.sessions.loadedCount >= tpm.sessions.loadedMax) tpmError(TPM_RC.SESSION_MEMORY);
      delete s.savedSequence;
      return { handle: s.handle };
    }
    const plain = openContext(tpm.hierarchy.proofOf(context.hierarchy), context.sequence, context.savedHandle, context.contextBlob);
    if (!plain) paramError(TPM_RC.INTEGRITY, 1, 'context integrity check failed');
    let object;
    try {
      object = decodeObject(plain);
    } catch {
      paramError(TPM_RC.INTEGRITY, 1, 'context does not decode');
    }
    if (object.hierarchy !== context.hierarchy) paramError(TPM_RC.INTEGRITY, 1, 'hierarchy mismatch');
    const handle = tpm.objects.add(object);
    if (handle === undefined) tpmError(TPM_RC.OBJECT_MEMORY);
    return { handle };
  },
  { noSessions: true },
);
