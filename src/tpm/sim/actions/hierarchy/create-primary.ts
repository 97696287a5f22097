/**
 * TPM2_CreatePrimary (Part 3 §24.1): derive a primary object from the hierarchy's seed and the
 * template (deterministic: the same template on the same TPM gives the same key, so
 * `tpm2_createek` always returns the EK in the EK certificate).
 */
import { concat } from '../../../../core/bytes.js';
import { hash } from '../../../../core/hash.js';
import { objectName } from '../../../crypto/name.js';
import { TPM2_CreatePrimary } from '../../../commands/create-primary.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_ALG } from '../../../types/constants.js';
import { handleName } from '../../../crypto/name.js';
import { action, tpmError } from '../../action.js';
import { derivePrimary } from '../../keygen.js';
import { creationOf, validateTemplate } from '../object/support.js';

export const createPrimary = action(TPM2_CreatePrimary, async ({ tpm, entities }, { inSensitive, inPublic, outsideInfo, creationPCR }) => {
  const hierarchy = entities[0]!.handle;
  validateTemplate(inPublic, inSensitive.data, undefined, 2);
  if (!tpm.objects.hasRoom()) tpmError(TPM_RC.OBJECT_MEMORY);
  const made = await derivePrimary(tpm.hierarchy.seedOf(hierarchy), inPublic, inSensitive);
  const name = objectName(made.public);
  const hName = handleName(hierarchy);
  const qualifiedName = concat(name.subarray(0, 2), hash(made.public.nameAlg, hName, name));
  const creation = creationOf(tpm, made.public.nameAlg, name, hierarchy, { nameAlg: TPM_ALG.NULL, name: hName, qualifiedName: hName }, outsideInfo, creationPCR);
  const handle = tpm.objects.add({ public: made.public, name, qualifiedName, hierarchy, sensitive: made.sensitive });
  if (handle === undefined) tpmError(TPM_RC.OBJECT_MEMORY);
  return { handle, outPublic: made.public, ...creation, name };
});
