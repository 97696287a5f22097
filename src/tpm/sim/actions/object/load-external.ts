/**
 * TPM2_LoadExternal (Part 3 §12.3): load a public key (e.g. an EK public for
 * TPM2_MakeCredential), optionally with its sensitive area (then only into the null hierarchy
 * and never as fixedTPM/fixedParent).
 */
import { handleName, objectName } from '../../../crypto/name.js';
import { TPM2_LoadExternal } from '../../../commands/load-external.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_ALG, TPM_RH, TPMA_OBJECT } from '../../../types/constants.js';
import { action, paramError, tpmError } from '../../action.js';
import { sensitiveMatches } from './binding.js';

const HIERARCHIES: readonly number[] = [TPM_RH.OWNER, TPM_RH.ENDORSEMENT, TPM_RH.PLATFORM, TPM_RH.NULL];

export const loadExternal = action(TPM2_LoadExternal, ({ tpm }, { inPrivate, inPublic, hierarchy }) => {
  if (!HIERARCHIES.includes(hierarchy)) paramError(TPM_RC.VALUE, 3, 'hierarchy');
  if (inPrivate) {
    if (hierarchy !== TPM_RH.NULL) paramError(TPM_RC.HIERARCHY, 3, 'external keys with a private part go to the null hierarchy');
    if (inPublic.objectAttributes & (TPMA_OBJECT.fixedTPM | TPMA_OBJECT.fixedParent)) paramError(TPM_RC.ATTRIBUTES, 2, 'an external key cannot be fixedTPM/fixedParent');
    if (!sensitiveMatches(inPublic, inPrivate)) paramError(TPM_RC.BINDING, 2, 'public and private areas do not match');
  }
  if (!tpm.objects.hasRoom()) tpmError(TPM_RC.OBJECT_MEMORY);
  let name = objectName(inPublic);
  const obj = { public: inPublic, name, qualifiedName: name, hierarchy, external: true, ...(inPrivate ? { sensitive: inPrivate } : {}) };
  const handle = tpm.objects.add(obj)!;
  if (inPublic.nameAlg === TPM_ALG.NULL) name = handleName(handle);
  obj.name = name;
  // An external object's Qualified Name is its Name (Part 4 ObjectSetLoadedAttributes: "If this is an
  // external object, set the QN == name"; libtpms does the same), not H(hierarchy || Name).
  obj.qualifiedName = name;
  return { handle, name };
});
