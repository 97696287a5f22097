/**
 * TPM2_EvictControl (Part 3 §28.5): copy a transient object to a persistent handle (owner range
 * 0x81000000–0x817FFFFF, platform range 0x81800000–0x81FFFFFF), or delete a persistent one.
 */
import { TPM2_EvictControl } from '../../../commands/evict-control.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_HT, TPM_RH, TPMA_OBJECT } from '../../../types/constants.js';
import { action, handleError, paramError, tpmError } from '../../action.js';

export const evictControl = action(TPM2_EvictControl, ({ tpm, entities }, { persistentHandle }) => {
  const auth = entities[0]!.handle;
  const e = entities[1]!;
  const o = e.object!;
  if (e.handle >>> 24 === TPM_HT.PERSISTENT) {
    if (e.handle !== persistentHandle) paramError(TPM_RC.HANDLE, 1, 'persistentHandle must equal objectHandle to evict');
    if (auth === TPM_RH.OWNER && o.hierarchy === TPM_RH.PLATFORM) handleError(TPM_RC.HIERARCHY, 2, 'a platform object');
    tpm.objects.persistent.delete(persistentHandle);
    tpm.dirty = true;
    return {};
  }
  if (o.external || !o.sensitive) handleError(TPM_RC.ATTRIBUTES, 2, 'a public-only or external object cannot be persisted');
  if (o.public.objectAttributes & TPMA_OBJECT.stClear) handleError(TPM_RC.ATTRIBUTES, 2, 'an stClear object cannot be persisted');
  if (o.hierarchy === TPM_RH.NULL) handleError(TPM_RC.HIERARCHY, 2, 'null-hierarchy objects are not persistent');
  if (auth === TPM_RH.OWNER && o.hierarchy === TPM_RH.PLATFORM) handleError(TPM_RC.HIERARCHY, 2, 'a platform object');
  if (persistentHandle >>> 24 !== TPM_HT.PERSISTENT) paramError(TPM_RC.RANGE, 1, 'not a persistent handle');
  const platformRange = (persistentHandle & 0x00800000) !== 0;
  if (platformRange !== (auth === TPM_RH.PLATFORM)) paramError(TPM_RC.RANGE, 1, 'handle outside the authorizing hierarchy range');
  if (tpm.objects.persistent.has(persistentHandle)) tpmError(TPM_RC.NV_DEFINED);
  if (tpm.objects.persistent.size >= tpm.profile.persistentSlots) tpmError(TPM_RC.NV_SPACE);
  const { privateKey: _k, ...copy } = o;
  tpm.objects.persistent.set(persistentHandle, copy);
  tpm.dirty = true;
  return {};
});
