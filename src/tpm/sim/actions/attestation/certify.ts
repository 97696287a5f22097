/** TPM2_Certify (Part 3 §18.2): attest that an object is loaded (its Name and qualified Name). */
import { TPM2_Certify } from '../../../commands/certify.js';
import { TPM_ST } from '../../../types/constants.js';
import { action } from '../../action.js';
import { andThen, attest, selectScheme, signingKeyOf } from './support.js';

export const certify = action(TPM2_Certify, ({ tpm, entities }, { qualifyingData, inScheme }) => {
  const object = entities[0]!.object!;
  const key = signingKeyOf(entities[1]!, 2);
  const scheme = key ? selectScheme(key, inScheme, 2) : undefined;
  return andThen(attest(tpm, key, scheme, qualifyingData, {
    type: TPM_ST.ATTEST_CERTIFY,
    attested: { name: object.name, qualifiedName: object.qualifiedName },
  }), (a) => ({ certifyInfo: a.bytes, signature: a.signature }));
});
