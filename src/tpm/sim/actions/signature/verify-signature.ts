/** TPM2_VerifySignature (Part 3 §20.1): verify a signature over a digest; a valid one earns a TPMT_TK_VERIFIED. */
import { verifyDigest } from '../../../crypto/sign.js';
import { TPM2_VerifySignature } from '../../../commands/verify-signature.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_RH, TPM_ST, TPMA_OBJECT } from '../../../types/constants.js';
import { action, handleError, paramError } from '../../action.js';
import { nullTicket, verifiedTicket } from '../../tickets.js';

export const verifySignature = action(TPM2_VerifySignature, ({ tpm, entities }, { digest, signature }) => {
  const key = entities[0]!.object!;
  if (!(key.public.objectAttributes & TPMA_OBJECT.sign)) handleError(TPM_RC.ATTRIBUTES, 1, 'not a signing key');
  if (!verifyDigest(key.public, digest, signature, key.sensitive?.sensitive)) paramError(TPM_RC.SIGNATURE, 2, 'signature does not verify');
  const validation = key.hierarchy === TPM_RH.NULL ? nullTicket(TPM_ST.VERIFIED) : verifiedTicket(tpm, key.hierarchy, digest, key.name);
  return { validation };
});
