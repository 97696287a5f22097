/**
 * TPM2_CreateLoaded (Part 3 §12.9): under a hierarchy it behaves as TPM2_CreatePrimary (the
 * object is derived from the seed; outPrivate is empty), under a storage key as TPM2_Create
 * followed by TPM2_Load. tpm2-tools uses it for `tpm2_create -c`.
 */
import { concat } from '../../../../core/bytes.js';
import { hash } from '../../../../core/hash.js';
import { handleName, objectName } from '../../../crypto/name.js';
import { TPM2_CreateLoaded } from '../../../commands/create-loaded.js';
import { TPM_RC } from '../../../rc.js';
import { action, handleError, tpmError } from '../../action.js';
import { derivePrimary, generateObject, isStorageKey } from '../../keygen.js';
import { wrapSensitive } from '../../protect.js';
import { validateTemplate } from './support.js';

export const createLoaded = action(TPM2_CreateLoaded, async ({ tpm, entities }, { inSensitive, inPublic }) => {
  const e = entities[0]!;
  const parent = e.object;
  if (parent && (!isStorageKey(parent.public) || !parent.sensitive)) handleError(TPM_RC.TYPE, 1, 'parent is not a storage key');
  validateTemplate(inPublic, inSensitive.data, parent, 2);
  if (!tpm.objects.hasRoom()) tpmError(TPM_RC.OBJECT_MEMORY);
  if (!parent) {
    const made = await derivePrimary(tpm.hierarchy.seedOf(e.handle), inPublic, inSensitive);
    const name = objectName(made.public);
    const qualifiedName = concat(name.subarray(0, 2), hash(made.public.nameAlg, handleName(e.handle), name));
    const handle = tpm.objects.add({ public: made.public, name, qualifiedName, hierarchy: e.handle, sensitive: made.sensitive });
    if (handle === undefined) tpmError(TPM_RC.OBJECT_MEMORY);
    return { handle, outPrivate: new Uint8Array(0), outPublic: made.public, name };
  }
  const made = await generateObject(inPublic, inSensitive, (n) => tpm.random(n));
  const name = objectName(made.public);
  const qualifiedName = concat(name.subarray(0, 2), hash(made.public.nameAlg, parent.qualifiedName, name));
  const handle = tpm.objects.add({ public: made.public, name, qualifiedName, hierarchy: parent.hierarchy, sensitive: made.sensitive });
  if (handle === undefined) tpmError(TPM_RC.OBJECT_MEMORY);
  return { handle, outPrivate: wrapSensitive(parent, name, made.sensitive), outPublic: made.public, name };
});
