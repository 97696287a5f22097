/** TPM2_NV_Write (Part 3 §31.7): write into an ordinary index; the first write sets TPMA_NV_WRITTEN (and changes the Name). */
import { TPM2_NV_Write } from '../../../commands/nv-write.js';
import { TPM_RC } from '../../../rc.js';
import { TPMA_NV } from '../../../types/constants.js';
import { action, handleError, tpmError } from '../../action.js';

export const nvWrite = action(TPM2_NV_Write, ({ tpm, entities }, { data, offset }) => {
  const authHandle = entities[0]!.handle;
  const index = entities[1]!.nv!;
  if (!tpm.nv.isOrdinary(index)) handleError(TPM_RC.ATTRIBUTES, 2, 'not an ordinary index');
  const rc = tpm.nv.writeAccess(authHandle, index);
  if (rc) tpmError(rc);
  if (offset + data.length > index.public.dataSize) tpmError(TPM_RC.NV_RANGE, 'beyond dataSize');
  if (index.public.attributes & TPMA_NV.WRITEALL && data.length < index.public.dataSize) tpmError(TPM_RC.NV_RANGE, 'TPMA_NV_WRITEALL needs a full write');
  index.data.set(data, offset);
  if (!(index.public.attributes & TPMA_NV.WRITTEN)) index.public = { ...index.public, attributes: (index.public.attributes | TPMA_NV.WRITTEN) >>> 0 };
  tpm.dirty = true;
  return {};
});
