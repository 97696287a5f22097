/** TPM2_NV_UndefineSpace (Part 3 §31.4): an index created by the platform can only be removed by the platform. */
import { TPM2_NV_UndefineSpace } from '../../../commands/nv-undefine-space.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_RH, TPMA_NV } from '../../../types/constants.js';
import { action, tpmError } from '../../action.js';

export const nvUndefineSpace = action(TPM2_NV_UndefineSpace, ({ tpm, entities }) => {
  const authHandle = entities[0]!.handle;
  const index = entities[1]!.nv!;
  if (authHandle === TPM_RH.OWNER && index.public.attributes & TPMA_NV.PLATFORMCREATE) tpmError(TPM_RC.NV_AUTHORIZATION, 'index belongs to the platform');
  tpm.nv.indices.delete(index.public.nvIndex);
  tpm.dirty = true;
  return {};
});
