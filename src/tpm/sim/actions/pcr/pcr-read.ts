/**
 * TPM2_PCR_Read (Part 3 §22.4): values of the selected PCRs, at most 8 per response (TPML_DIGEST);
 * pcrSelectionOut marks exactly the PCRs returned, so the caller asks again for the rest.
 */
import { TPM2_PCR_Read } from '../../../commands/pcr-read.js';
import { action } from '../../action.js';
import { selectedPcrs } from '../../../types/pcr.js';
import { filterSelection } from './support.js';

export const pcrRead = action(TPM2_PCR_Read, ({ tpm }, { pcrSelectionIn }) => {
  const values: Uint8Array[] = [];
  const out = filterSelection(tpm, pcrSelectionIn).map((s) => {
    const pcrSelect = new Uint8Array(s.pcrSelect.length);
    for (const p of selectedPcrs(s)) {
      if (values.length === 8) break;
      values.push(tpm.pcrs.get(s.hash, p)!);
      pcrSelect[p >> 3]! |= 1 << (p & 7);
    }
    return { hash: s.hash, pcrSelect };
  });
  return { pcrUpdateCounter: tpm.pcrs.updateCounter, pcrSelectionOut: out, pcrValues: values };
});
