/** PCR selection helpers (Part 1 §17.5, ms-tpm-20-ref PCR.c FilterPcr / PCRComputeCurrentDigest). */
import { bytesEqual, concat } from '../../../../core/bytes.js';
import { hash as oneShotHash } from 'node:crypto';
import { hash, hashById } from '../../../../core/hash.js';
import { IMPLEMENTATION_PCR, type TPMS_PCR_SELECTION, selectedPcrs } from '../../../types/pcr.js';
import type { PcrBanks } from '../../state/pcr-banks.js';
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

/** Digests of recent selections, valid while the banks' version is unchanged. */
interface DigestCache {
  version: number;
  entries: { alg: number; sel: readonly TPMS_PCR_SELECTION[]; digest: Uint8Array }[];
}
const digestCaches = new WeakMap<PcrBanks, DigestCache>();
const CACHED_SELECTIONS = 4;

function sameSelection(a: readonly TPMS_PCR_SELECTION[], b: readonly TPMS_PCR_SELECTION[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.hash !== b[i]!.hash || !bytesEqual(a[i]!.pcrSelect, b[i]!.pcrSelect)) return false;
  return true;
}

/**
 * H_alg(selected PCR values in selection order). The digest is a pure function of the PCR
 * values, so it is kept until any PCR changes (PcrBanks.version): an attestation agent quoting
 * the same selection of unchanged PCRs (the steady state after boot) hashes them once. The
 * returned array is shared; callers do not modify it.
 */
export function pcrValuesDigest(tpm: TpmState, alg: number, sel: readonly TPMS_PCR_SELECTION[]): Uint8Array {
  const banks = tpm.pcrs;
  let cache = digestCaches.get(banks);
  if (!cache) digestCaches.set(banks, (cache = { version: banks.version, entries: [] }));
  else if (cache.version !== banks.version) {
    cache.version = banks.version;
    cache.entries.length = 0;
  }
  for (const e of cache.entries) if (e.alg === alg && sameSelection(e.sel, sel)) return e.digest;
  const parts: Uint8Array[] = [];
  for (const s of sel) for (const p of selectedPcrs(s)) {
    const v = banks.get(s.hash, p);
    if (v) parts.push(v);
  }
  const name = hashById(alg)?.nodeName;
  // One-shot crypto.hash (cheaper than a streaming Hash object).
  const digest = name ? new Uint8Array(oneShotHash(name, concat(...parts), 'buffer')) : hash(alg, concat(...parts));
  if (cache.entries.length === CACHED_SELECTIONS) cache.entries.shift();
  // The selection is copied: the caller's arrays may come from a reused command buffer.
  cache.entries.push({ alg, sel: sel.map((s) => ({ hash: s.hash, pcrSelect: s.pcrSelect.slice() })), digest });
  return digest;
}
