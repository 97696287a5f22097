/** TPM2_Quote (Part 3 §18.4): sign the digest of the selected PCRs (with the scheme's hash) and the caller's nonce. */
import { TPM2_Quote } from '../../../commands/quote.js';
import { TPM_ST } from '../../../types/constants.js';
import { action } from '../../action.js';
import { filterSelection, pcrValuesDigest } from '../pcr/support.js';
import { andThen, attest, selectScheme, signingKeyOf } from './support.js';

export const quote = action(TPM2_Quote, ({ tpm, entities }, { qualifyingData, inScheme, PCRselect }) => {
  const key = signingKeyOf(entities[0]!, 1)!;
  const scheme = selectScheme(key, inScheme, 2);
  const pcrSelect = filterSelection(tpm, PCRselect);
  const pcrDigest = pcrValuesDigest(tpm, scheme.hashAlg, pcrSelect);
  return andThen(attest(tpm, key, scheme, qualifyingData, { type: TPM_ST.ATTEST_QUOTE, attested: { pcrSelect, pcrDigest } }), (a) => ({ quoted: a.bytes, signature: a.signature }));
});
