/** TPM2_NV_ReadPublic (Part 3 §31.6): the public area (with TPMA_NV_WRITTEN as it is now) and the Name. */
import { nvName } from '../../../crypto/name.js';
import { TPM2_NV_ReadPublic } from '../../../commands/nv-read-public.js';
import { action } from '../../action.js';

export const nvReadPublic = action(TPM2_NV_ReadPublic, ({ entities }) => {
  const index = entities[0]!.nv!;
  return { nvPublic: index.public, nvName: nvName(index.public) };
});
