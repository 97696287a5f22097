/**
 * The PCR digest a TPM puts in a quote or a PolicyPCR: H(value₀ ‖ value₁ ‖ …) over the selected
 * PCRs in selection order (each TPMS_PCR_SELECTION in turn, PCR indices ascending), with the
 * *signing scheme's* hash for quotes (Part 3 §18.4; go-attestation validateQuote) or the
 * session hash for PolicyPCR (Part 3 §23.7).
 */
import { concat } from '../../core/bytes.js';
import { hash } from '../../core/hash.js';
import { type TPMS_PCR_SELECTION, selectedPcrs } from '../types/pcr.js';

/** PCR values by bank and index, as a caller knows them (e.g. replayed from an event log). */
export type PcrValues = ReadonlyMap<number, ReadonlyMap<number, Uint8Array>> | Record<number, Record<number, Uint8Array>>;

function lookup(values: PcrValues, bank: number, pcr: number): Uint8Array | undefined {
  if (values instanceof Map) return values.get(bank)?.get(pcr);
  return (values as Record<number, Record<number, Uint8Array>>)[bank]?.[pcr];
}

/** The concatenation of the selected values, or the first missing (bank, pcr). */
export function concatSelected(values: PcrValues, selection: readonly TPMS_PCR_SELECTION[]): Uint8Array | { missing: { bank: number; pcr: number } } {
  const parts: Uint8Array[] = [];
  for (const sel of selection) {
    for (const pcr of selectedPcrs(sel)) {
      const v = lookup(values, sel.hash, pcr);
      if (!v) return { missing: { bank: sel.hash, pcr } };
      parts.push(v);
    }
  }
  return concat(...parts);
}

/** H_hashAlg over the selected PCR values; throws RangeError if one is missing. */
export function pcrDigest(hashAlg: number, values: PcrValues, selection: readonly TPMS_PCR_SELECTION[]): Uint8Array {
  const c = concatSelected(values, selection);
  if (!(c instanceof Uint8Array)) throw new RangeError(`no value for PCR ${c.missing.pcr} in bank 0x${c.missing.bank.toString(16)}`);
  return hash(hashAlg, c);
}
