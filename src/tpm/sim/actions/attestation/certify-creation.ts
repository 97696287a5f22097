/** TPM2_CertifyCreation (Part 3 §18.3): attest creation data, after checking its creation ticket. */
import { TPM2_CertifyCreation } from '../../../commands/certify-creation.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_ST } from '../../../types/constants.js';
import { action, paramError } from '../../action.js';
import { checkTicket } from '../../tickets.js';
import { andThen, attest, selectScheme, signingKeyOf } from './support.js';

export const certifyCreation = action(TPM2_CertifyCreation, ({ tpm, entities }, { qualifyingData, creationHash, inScheme, creationTicket }) => {
  const key = signingKeyOf(entities[0]!, 1);
  const object = entities[1]!.object!;
  if (!checkTicket(tpm, creationTicket, TPM_ST.CREATION, object.name, creationHash)) paramError(TPM_RC.TICKET, 4, 'creation ticket does not match');
  const scheme = key ? selectScheme(key, inScheme, 3) : undefined;
  return andThen(attest(tpm, key, scheme, qualifyingData, { type: TPM_ST.ATTEST_CREATION, attested: { objectName: object.name, creationHash } }), (a) => ({ certifyInfo: a.bytes, signature: a.signature }));
});
