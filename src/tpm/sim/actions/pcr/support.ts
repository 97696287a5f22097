/** PCR selection helpers (Part 1 §17.5, ms-tpm-20-ref PCR.c FilterPcr / PCRComputeCurrentDigest). */
import { concat } from '../../../../core/bytes.js';
import { hash as oneShotHash } from 'node:crypto';
import { hash, hashById } from '../../../../core/hash.js';
import { IMPLEMENTATION_PCR, type TPMS_PCR_SELECTION, selectedPcrs } from '../../../types/pcr.js';
import type { TpmState } from '../../tpm-state.js';

/** Drop unallocated banks and PCR bits beyond IMPLEMENTATION_PCR (as a TPM does before digesting). */
export function filterSelection(tpm: TpmState, sel: readonly TPMS_PCR_SELECTION[]): TPMS_PCR_SELECTION[] {
  // Nothing to drop (the usual case): keep the caller's selection.
  if (sel.every((s) => tpm.pcrs.has(s.hash) && s.pcrSelect.length * 8 <= IMPLEMENTATION_PCR)) return sel as TPMS_PCR_SELECTION[];
  return sel.map((s) => {
    const pcrSelect = s.pcrSelect.slice();
    if (!tpm.pcrs.has(s.hash)) pcrSelect.fill(0);
    for (let i = IMPLEMENTATION_PCR; i < pcrSelect.length * 8; i++) pcrSelect[i >> 3]! &= ~(1 << (i & 7));
    return { hash: s.hash, pcrSelect };
  });
}

/** H_alg(selected PCR values in selection order). */
export function pcrValuesDigest(tpm: TpmState, alg: number, sel: readonly TPMS_PCR_SELECTION[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const s of sel) for (const p of selectedPcrs(s)) {
    const v = tpm.pcrs.get(s.hash, p);
    if (v) parts.push(v);
  }
  const name = hashById(alg)?.nodeName;
  // One-shot crypto.hash (cheaper than a streaming Hash object on the quote path).
  return name ? new Uint8Array(oneShotHash(name, concat(...parts), 'buffer')) : hash(alg, concat(...parts));
}
