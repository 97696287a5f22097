/** TPM2_NV_Read (Part 3 §31.13): at most NV_BUFFER_MAX bytes per call. */
import { TPM2_NV_Read } from '../../../commands/nv-read.js';
import { TPM_RC } from '../../../rc.js';
import { action, paramError, tpmError } from '../../action.js';

export const nvRead = action(TPM2_NV_Read, ({ tpm, entities }, { size, offset }) => {
  const authHandle = entities[0]!.handle;
  const index = entities[1]!.nv!;
  const rc = tpm.nv.readAccess(authHandle, index);
  if (rc) tpmError(rc);
  if (size > tpm.profile.nvBufferMax) paramError(TPM_RC.VALUE, 1, `size above NV_BUFFER_MAX ${tpm.profile.nvBufferMax}`);
  if (offset + size > index.public.dataSize) tpmError(TPM_RC.NV_RANGE, 'beyond dataSize');
  return { data: index.data.slice(offset, offset + size) };
});
