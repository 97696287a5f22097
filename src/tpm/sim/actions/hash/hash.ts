/** TPM2_Hash (Part 3 §15.4): digest of data, with a hash-check ticket unless the data is TPM-generated. */
import { hash as digestOf } from '../../../../core/hash.js';
import { TPM2_Hash } from '../../../commands/hash.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_GENERATED_VALUE, TPM_RH, TPM_ST } from '../../../types/constants.js';
import { action, paramError } from '../../action.js';
import { hashcheckTicket, nullTicket } from '../../tickets.js';

const HIERARCHIES: readonly number[] = [TPM_RH.OWNER, TPM_RH.ENDORSEMENT, TPM_RH.PLATFORM, TPM_RH.NULL];

export const hash = action(TPM2_Hash, ({ tpm }, { data, hashAlg, hierarchy }) => {
  if (!HIERARCHIES.includes(hierarchy)) paramError(TPM_RC.VALUE, 3, 'hierarchy');
  const outHash = digestOf(hashAlg, data);
  const generated = data.length >= 4 && new DataView(data.buffer, data.byteOffset).getUint32(0) === TPM_GENERATED_VALUE;
  const validation = generated || hierarchy === TPM_RH.NULL ? nullTicket(TPM_ST.HASHCHECK) : hashcheckTicket(tpm, hierarchy, outHash);
  return { outHash, validation };
});
