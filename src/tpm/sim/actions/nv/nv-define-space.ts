/**
 * TPM2_NV_DefineSpace (Part 3 §31.3). Only ordinary (data) indices are implemented; an index
 * defined with the platform authorization must carry TPMA_NV_PLATFORMCREATE and one defined by
 * the owner must not (ms-tpm NV_DefineSpace checks).
 */
import { TPM2_NV_DefineSpace } from '../../../commands/nv-define-space.js';
import { TPM_RC } from '../../../rc.js';
import { hashSize } from '../../../types/basic.js';
import { TPM_NT, TPM_RH, TPMA_NV } from '../../../types/constants.js';
import { trimAuth } from '../../../session/auth-values.js';
import { action, paramError, tpmError } from '../../action.js';
import { nvType } from '../../state/nv.js';

export const nvDefineSpace = action(TPM2_NV_DefineSpace, ({ tpm, entities }, { auth, publicInfo }) => {
  const authHandle = entities[0]!.handle;
  const a = publicInfo.attributes;
  if (trimAuth(auth).length > hashSize(publicInfo.nameAlg)) paramError(TPM_RC.SIZE, 1, 'auth longer than the nameAlg digest');
  if (publicInfo.authPolicy.length !== 0 && publicInfo.authPolicy.length !== hashSize(publicInfo.nameAlg)) paramError(TPM_RC.SIZE, 2, 'authPolicy size');
  if (nvType(a) !== TPM_NT.ORDINARY) paramError(TPM_RC.ATTRIBUTES, 2, 'only ordinary NV indices are implemented');
  if (publicInfo.dataSize > tpm.profile.nvIndexSizeMax) paramError(TPM_RC.SIZE, 2, `dataSize above ${tpm.profile.nvIndexSizeMax}`);
  if (!(a & (TPMA_NV.PPWRITE | TPMA_NV.OWNERWRITE | TPMA_NV.AUTHWRITE | TPMA_NV.POLICYWRITE))) paramError(TPM_RC.ATTRIBUTES, 2, 'no write authorization');
  if (!(a & (TPMA_NV.PPREAD | TPMA_NV.OWNERREAD | TPMA_NV.AUTHREAD | TPMA_NV.POLICYREAD))) paramError(TPM_RC.ATTRIBUTES, 2, 'no read authorization');
  if (a & (TPMA_NV.WRITTEN | TPMA_NV.WRITELOCKED | TPMA_NV.READLOCKED | TPMA_NV.POLICY_DELETE)) paramError(TPM_RC.ATTRIBUTES, 2, 'state attributes must be clear');
  if (((a & TPMA_NV.PLATFORMCREATE) !== 0) !== (authHandle === TPM_RH.PLATFORM)) paramError(TPM_RC.ATTRIBUTES, 2, 'PLATFORMCREATE must match the authorizing hierarchy');
  if (tpm.nv.get(publicInfo.nvIndex)) tpmError(TPM_RC.NV_DEFINED);
  if (tpm.nv.indices.size >= tpm.profile.nvIndexCount || tpm.nv.totalBytes + publicInfo.dataSize > tpm.profile.nvBytesMax) tpmError(TPM_RC.NV_SPACE);
  const { raw: _raw, ...pub } = publicInfo;
  tpm.nv.indices.set(pub.nvIndex, { public: pub, authValue: auth.slice(), data: new Uint8Array(pub.dataSize) });
  tpm.dirty = true;
  return {};
});
