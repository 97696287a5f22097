/**
 * TPM2_Create (Part 3 §12.1): generate an ordinary object under a storage parent and return its
 * sensitive area wrapped for that parent (TPM2B_PRIVATE, sim/protect.ts).
 */
import { objectName } from '../../../crypto/name.js';
import { TPM2_Create } from '../../../commands/create.js';
import { TPM_RC } from '../../../rc.js';
import { action, handleError } from '../../action.js';
import { generateObject, isStorageKey } from '../../keygen.js';
import { wrapSensitive } from '../../protect.js';
import { creationOf, validateTemplate } from './support.js';

export const create = action(TPM2_Create, async ({ tpm, entities }, { inSensitive, inPublic, outsideInfo, creationPCR }) => {
  const parent = entities[0]!.object!;
  if (!isStorageKey(parent.public) || !parent.sensitive) handleError(TPM_RC.TYPE, 1, 'parent is not a storage key');
  validateTemplate(inPublic, inSensitive.data, parent, 2);
  const made = await generateObject(inPublic, inSensitive, (n) => tpm.random(n));
  const name = objectName(made.public);
  const creation = creationOf(tpm, made.public.nameAlg, name, parent.hierarchy, { nameAlg: parent.public.nameAlg, name: parent.name, qualifiedName: parent.qualifiedName }, outsideInfo, creationPCR);
  return { outPrivate: wrapSensitive(parent, name, made.sensitive), outPublic: made.public, ...creation };
});
