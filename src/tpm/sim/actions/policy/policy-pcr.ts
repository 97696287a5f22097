/**
 * TPM2_PolicyPCR (Part 3 §23.7): policyDigest := H(old ‖ CC_PolicyPCR ‖ pcrs ‖ pcrDigest). In a
 * real policy session the digest must equal the current PCR values (TPM_RC_VALUE otherwise) and
 * the session remembers pcrUpdateCounter, so a later PCR change fails it (TPM_RC_PCR_CHANGED).
 */
import { bytesEqual } from '../../../../core/bytes.js';
import { policyPcr as update } from '../../../crypto/policy.js';
import { TPM2_PolicyPCR } from '../../../commands/policy-pcr.js';
import { TPM_RC } from '../../../rc.js';
import { hashSize } from '../../../types/basic.js';
import { TPM_SE } from '../../../types/constants.js';
import { action, paramError } from '../../action.js';
import { filterSelection, pcrValuesDigest } from '../pcr/support.js';

export const policyPcr = action(TPM2_PolicyPCR, ({ tpm, entities }, { pcrDigest, pcrs }) => {
  const s = entities[0]!.session!;
  const sel = filterSelection(tpm, pcrs);
  const current = pcrValuesDigest(tpm, s.hashAlg, sel);
  if (pcrDigest.length !== 0 && pcrDigest.length !== hashSize(s.hashAlg)) paramError(TPM_RC.SIZE, 1, 'pcrDigest size');
  let digest = current;
  if (s.type === TPM_SE.TRIAL) {
    if (pcrDigest.length !== 0) digest = pcrDigest;
  } else {
    if (pcrDigest.length !== 0 && !bytesEqual(pcrDigest, current)) paramError(TPM_RC.VALUE, 1, 'PCR values differ');
    s.policy.pcrCounter = tpm.pcrs.updateCounter;
  }
  s.policy.policyDigest = update(s.hashAlg, s.policy.policyDigest, sel, digest);
  return {};
});
