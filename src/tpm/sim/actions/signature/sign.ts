/**
 * TPM2_Sign (Part 3 §20.2): sign a caller-supplied digest. A restricted key signs only with a
 * valid TPMT_TK_HASHCHECK from TPM2_Hash, proving the data did not start with
 * TPM_GENERATED_VALUE (so it cannot forge a quote).
 */
import { signDigest } from '../../../crypto/sign.js';
import { TPM2_Sign } from '../../../commands/sign.js';
import { TPM_RC } from '../../../rc.js';
import { hashSize } from '../../../types/basic.js';
import { TPM_ALG, TPM_ST, TPMA_OBJECT } from '../../../types/constants.js';
import { action, paramError } from '../../action.js';
import { privateKeyOf } from '../../state/objects.js';
import { checkTicket } from '../../tickets.js';
import { selectScheme, signingKeyOf } from '../attestation/support.js';

export const sign = action(TPM2_Sign, ({ tpm, entities }, { digest, inScheme, validation }) => {
  const key = signingKeyOf(entities[0]!, 1)!;
  const scheme = selectScheme(key, inScheme, 2);
  if (digest.length !== hashSize(scheme.hashAlg)) paramError(TPM_RC.SIZE, 1, 'digest size does not match the scheme hash');
  if (key.public.objectAttributes & TPMA_OBJECT.restricted && !checkTicket(tpm, validation, TPM_ST.HASHCHECK, digest)) {
    paramError(TPM_RC.TICKET, 3, 'a restricted key needs a hash-check ticket');
  }
  const pub = key.public;
  const signature = signDigest(
    pub.type === TPM_ALG.KEYEDHASH
      ? { key: undefined as never, type: pub.type, secret: key.sensitive!.sensitive }
      : { key: privateKeyOf(key), type: pub.type, ...(pub.type === TPM_ALG.ECC ? { curveID: pub.parameters.curveID, secret: key.sensitive!.sensitive } : {}) },
    scheme,
    digest,
  );
  return { signature };
});
