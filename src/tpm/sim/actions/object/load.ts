/** TPM2_Load (Part 3 §12.2): unwrap an object created under this parent and load it. */
import { concat } from '../../../../core/bytes.js';
import { hash } from '../../../../core/hash.js';
import { objectName } from '../../../crypto/name.js';
import { TPM2_Load } from '../../../commands/load.js';
import { TPM_RC } from '../../../rc.js';
import { TPMA_OBJECT } from '../../../types/constants.js';
import { action, handleError, paramError, tpmError } from '../../action.js';
import { isStorageKey } from '../../keygen.js';
import { unwrapSensitive } from '../../protect.js';
import { sensitiveMatches } from './binding.js';

export const load = action(TPM2_Load, ({ tpm, entities }, { inPrivate, inPublic }) => {
  const parent = entities[0]!.object!;
  if (!isStorageKey(parent.public) || !parent.sensitive) handleError(TPM_RC.TYPE, 1, 'parent is not a storage key');
  if (inPublic.nameAlg === 0x0010) paramError(TPM_RC.HASH, 2, 'nameAlg NULL');
  if (!(parent.public.objectAttributes & TPMA_OBJECT.fixedTPM) && inPublic.objectAttributes & TPMA_OBJECT.fixedTPM) paramError(TPM_RC.ATTRIBUTES, 2, 'fixedTPM under a non-fixedTPM parent');
  const name = objectName(inPublic);
  const s = unwrapSensitive(parent, name, inPrivate);
  if (s === 'integrity') paramError(TPM_RC.INTEGRITY, 1, 'outer HMAC does not match');
  if (s === 'size') paramError(TPM_RC.SIZE, 1, 'malformed private area');
  if (!sensitiveMatches(inPublic, s)) paramError(TPM_RC.BINDING, 2, 'public and private areas do not match');
  if (!tpm.objects.hasRoom()) tpmError(TPM_RC.OBJECT_MEMORY);
  const qualifiedName = concat(name.subarray(0, 2), hash(inPublic.nameAlg, parent.qualifiedName, name));
  const handle = tpm.objects.add({ public: inPublic, name, qualifiedName, hierarchy: parent.hierarchy, sensitive: s });
  return { handle: handle!, name };
});
