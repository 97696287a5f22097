/**
 * TPM2_ContextSave (Part 3 §28.2). An object context is the whole object, encrypted and
 * integrity-protected with its hierarchy's proof (savedHandle 0x80000000); a session context
 * leaves the session state in the TPM, marked saved, so it no longer counts as loaded.
 */
import { TPM2_ContextSave } from '../../../commands/context-save.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_HR, TPM_RH, TPMA_OBJECT } from '../../../types/constants.js';
import { action, tpmError } from '../../action.js';
import { encodeObject, sealContext } from '../../context-blob.js';

export const contextSave = action(
  TPM2_ContextSave,
  ({ tpm, entities }) => {
    const e = entities[0]!;
    const sequence = tpm.contextSequence++;
    if (e.session) {
      e.session.savedSequence = sequence;
      const blob = sealContext(tpm.hierarchy.proofOf(TPM_RH.NULL), sequence, e.handle, new Uint8Array(0));
      return { context: { sequence, savedHandle: e.handle, hierarchy: TPM_RH.NULL, contextBlob: blob } };
    }
    const o = e.object!;
    if (!o) tpmError(TPM_RC.HANDLE);
    // Part 3 §28.2: an stClear object is saved with savedHandle 0x80000002.
    const savedHandle = o.public.objectAttributes & TPMA_OBJECT.stClear ? TPM_HR.TRANSIENT + 2 : TPM_HR.TRANSIENT;
    const blob = sealContext(tpm.hierarchy.proofOf(o.hierarchy), sequence, savedHandle, encodeObject(o));
    return { context: { sequence, savedHandle, hierarchy: o.hierarchy, contextBlob: blob } };
  },
  { noSessions: true },
);
