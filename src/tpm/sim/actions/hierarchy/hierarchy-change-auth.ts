/** TPM2_HierarchyChangeAuth (Part 3 §24.8): set owner/endorsement/lockout/platform authorization. */
import { TPM2_HierarchyChangeAuth } from '../../../commands/hierarchy-change-auth.js';
import { TPM_RC } from '../../../rc.js';
import { trimAuth } from '../../../session/auth-values.js';
import { action, paramError } from '../../action.js';

export const hierarchyChangeAuth = action(TPM2_HierarchyChangeAuth, ({ tpm, entities }, { newAuth }) => {
  // ms-tpm: the authorization may not be longer than the context integrity digest (SHA-256).
  if (trimAuth(newAuth).length > 32) paramError(TPM_RC.SIZE, 1, 'newAuth longer than 32 bytes');
  tpm.hierarchy.setAuth(entities[0]!.handle, newAuth.slice());
  tpm.dirty = true;
  return {};
});
