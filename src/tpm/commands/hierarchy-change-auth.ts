/** TPM2_HierarchyChangeAuth (TPM 2.0 Part 3 §24.8): Change the authValue of a hierarchy (owner, endorsement, platform, lockout). */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_AUTH } from '../types/basic.js';
import { defineCommand } from './define.js';

export const TPM2_HierarchyChangeAuth = defineCommand({
  code: TPM_CC.HierarchyChangeAuth,
  name: 'TPM2_HierarchyChangeAuth',
  handles: [{ name: 'authHandle', auth: 'USER', type: 'TPMI_RH_HIERARCHY_AUTH' }],
  params: {
    newAuth: TPM2B_AUTH,
  },
});
