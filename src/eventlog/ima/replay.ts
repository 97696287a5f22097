/**
 * IMA PCR 10 replay and the boot aggregate (Linux security/integrity/ima/ima_crypto.c).
 *
 * - SHA-1 bank: PCR := SHA-1(PCR || logged template hash); a violation (all-zero hash) extends all-0xFF.
 * - Other banks (kernels ≥ 5.10, ima_calc_field_array_hash per bank): the template hash is
 *   recomputed from the template data with the bank's algorithm (templateHash); violations extend
 *   all-0xFF of the bank's size. The SHA-1 value in the log is checked against the data too.
 * - boot_aggregate = H(PCR 0 || … || PCR 7) over the TPM bank of the d-ng algorithm, plus PCR 8
 *   and 9 for non-SHA-1 banks (ima_calc_boot_aggregate_tfm, since 5.8).
 */
import { hash as oneShotHash } from 'node:crypto';
import { bytesEqual, concat } from '../../core/bytes.js';
import { hashById, hashByName, TPM_ALG_SHA1 } from '../../core/hash.js';
import type { ImaEntry } from './log.js';
import { templateHashInput } from './template.js';

export interface ImaReplay {
  /** PCR values by bank (TPM_ALG_ID) then PCR index (10 normally). */
  readonly pcrs: Map<number, Map<number, Uint8Array>>;
  /** Entries whose logged SHA-1 template hash does not match their template data. */
  readonly templateHashMismatches: readonly number[];
  readonly violations: readonly number[];
}

const isZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

export function replayIma(entries: readonly ImaEntry[], banks: readonly number[] = [TPM_ALG_SHA1]): ImaReplay {
  const pcrs = new Map<number, Map<number, Uint8Array>>();
  const mismatches: number[] = [];
  const violations: number[] = [];
  // The hashed template bytes, built once per entry and hashed with each bank's algorithm.
  const inputs = entries.map((e) => templateHashInput(e.templateName, e.fields));
  entries.forEach((e, i) => {
    if (isZero(e.templateHash)) violations.push(e.index);
    else if (!bytesEqual(oneShotHash('sha1', inputs[i]!, 'buffer'), e.templateHash)) mismatches.push(e.index);
  });
  for (const algId of banks) {
    const alg = hashById(algId);
    if (!alg?.nodeName) throw new RangeError(`unsupported bank 0x${algId.toString(16)}`);
    const bank = new Map<number, Uint8Array>();
    const scratch = Buffer.allocUnsafe(alg.digestSize * 2);
    const ff = new Uint8Array(alg.digestSize).fill(0xff);
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const d = isZero(e.templateHash) ? ff : algId === TPM_ALG_SHA1 ? e.templateHash : oneShotHash(alg.nodeName, inputs[i]!, 'buffer');
      scratch.set(bank.get(e.pcr) ?? new Uint8Array(alg.digestSize), 0);
      scratch.set(d, alg.digestSize);
      bank.set(e.pcr, oneShotHash(alg.nodeName, scratch, 'buffer'));
    }
    pcrs.set(algId, bank);
  }
  return { pcrs, templateHashMismatches: mismatches, violations };
}

/** boot_aggregate from the TPM's PCR values of one bank (missing PCRs count as zero). */
export function bootAggregate(pcrs: ReadonlyMap<number, Uint8Array>, algId: number): Uint8Array {
  const alg = hashById(algId);
  if (!alg?.nodeName) throw new RangeError(`unsupported bank 0x${algId.toString(16)}`);
  const last = algId === TPM_ALG_SHA1 ? 7 : 9;
  const parts: Uint8Array[] = [];
  for (let i = 0; i <= last; i++) parts.push(pcrs.get(i) ?? new Uint8Array(alg.digestSize));
  return oneShotHash(alg.nodeName, concat(...parts), 'buffer');
}

/** Check the first entry's boot_aggregate against PCR values (e.g. replayed from a verified TCG log). */
export function checkBootAggregate(entry: ImaEntry, pcrsByBank: ReadonlyMap<number, ReadonlyMap<number, Uint8Array>>): { ok: boolean; algorithm: string; expected?: string } {
  if (entry.path !== 'boot_aggregate' || !entry.fileDigest) return { ok: false, algorithm: '' };
  const algorithm = entry.fileDigest.algorithm;
  const alg = hashByName(algorithm);
  const bank = alg ? pcrsByBank.get(alg.algId) : undefined;
  if (!alg || !bank) return { ok: false, algorithm };
  const expected = bootAggregate(bank, alg.algId);
  return { ok: bytesEqual(expected, entry.fileDigest.digest), algorithm, expected: Buffer.from(expected).toString('hex') };
}
