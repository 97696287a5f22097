/**
 * PCR banks (TPM 2.0 Part 1 §17; PC Client Platform TPM Profile §4.6, PCR attributes table).
 * One array of 24 digests per active bank. At TPM2_Startup(CLEAR) PCRs 0–16 and 23 are zero
 * (PCR 0's last byte is the startup locality when firmware starts the TPM at locality 3 or 4,
 * PC Client PFP §3.3.3.1 "StartupLocality"), PCRs 17–22 (DRTM) are all ones.
 */
import { hash as oneShotHash } from 'node:crypto';
import { hash, hashById } from '../../../core/hash.js';
import { hashSize } from '../../types/basic.js';
import { IMPLEMENTATION_PCR } from '../../types/pcr.js';

export interface PcrAttributes {
  /** Bitmask of localities (bit n = locality n) allowed to TPM2_PCR_Reset this PCR. */
  resetLocalities: number;
  /** Bitmask of localities allowed to extend it. */
  extendLocalities: number;
  /** Initial value: 0x00… or 0xFF… */
  initialOnes: boolean;
  /** PCR_Extend/Reset of this PCR does not increment pcrUpdateCounter (TPM_PT_PCR_NO_INCREMENT). */
  noIncrement: boolean;
  /** Saved by Shutdown(STATE) and restored by Startup(STATE) (TPM_PT_PCR_SAVE). */
  stateSave: boolean;
  /** May have an authPolicy / authValue (TPM_PT_PCR_POLICY, TPM_PT_PCR_AUTH). */
  policy: boolean;
}

/**
 * PC Client PTP PCR attributes, as swtpm/libtpms report them in TPM2_GetCapability
 * (TPM_CAP_PCR_PROPERTIES): PCRs 0–15 extend at any locality and are saved by
 * Shutdown(STATE); 16 (debug) and 23 (application) reset at localities 0–3 and do not count in
 * pcrUpdateCounter; 17–22 are the DRTM PCRs (initially all ones, reset at locality 4).
 */
function attrs(extend: number, reset: number, opts: { ones?: boolean; noInc?: boolean; save?: boolean; policy?: boolean } = {}): PcrAttributes {
  return { extendLocalities: extend, resetLocalities: reset, initialOnes: !!opts.ones, noIncrement: !!opts.noInc, stateSave: !!opts.save, policy: !!opts.policy };
}

export const PCR_ATTRIBUTES: readonly PcrAttributes[] = [
  ...Array.from({ length: 16 }, () => attrs(0x1f, 0, { save: true })),
  attrs(0x1f, 0x0f, { noInc: true }), // 16
  attrs(0x1c, 0x10, { ones: true }), // 17
  attrs(0x1c, 0x10, { ones: true }), // 18
  attrs(0x0c, 0x10, { ones: true }), // 19
  attrs(0x0e, 0x14, { ones: true, policy: true }), // 20
  attrs(0x04, 0x14, { ones: true, noInc: true, policy: true }), // 21
  attrs(0x04, 0x14, { ones: true, noInc: true, policy: true }), // 22
  attrs(0x1f, 0x0f, { noInc: true }), // 23
];

export class PcrBanks {
  readonly banks: readonly number[];
  private readonly values = new Map<number, Uint8Array[]>();
  updateCounter = 0;
  /**
   * Counts every change of any PCR value (unlike pcrUpdateCounter, which skips the
   * NO_INCREMENT PCRs): digests of selected PCRs are cached against it (actions/pcr/support.ts).
   */
  version = 0;

  constructor(banks: readonly number[]) {
    this.banks = banks;
    this.reset(0);
  }

  /** TPM Reset/Restart values. `locality` is the startup locality recorded in PCR 0. */
  reset(locality: number, keep?: (pcr: number) => boolean): void {
    for (const alg of this.banks) {
      const size = hashSize(alg);
      const old = this.values.get(alg);
      const arr: Uint8Array[] = [];
      for (let i = 0; i < IMPLEMENTATION_PCR; i++) {
        if (old && keep?.(i)) {
          arr.push(old[i]!);
          continue;
        }
        const v = new Uint8Array(size);
        if (PCR_ATTRIBUTES[i]!.initialOnes) v.fill(0xff);
        if (i === 0 && (locality === 3 || locality === 4)) v[size - 1] = locality;
        arr.push(v);
      }
      this.values.set(alg, arr);
    }
    this.updateCounter = 0;
    this.version++;
  }

  has(alg: number): boolean {
    return this.values.has(alg);
  }

  get(alg: number, pcr: number): Uint8Array | undefined {
    return this.values.get(alg)?.[pcr];
  }

  /** Extend one bank of one PCR: PCR := H(PCR ‖ digest) (Part 1 §17.2). */
  extend(pcr: number, alg: number, digest: Uint8Array): void {
    const bank = this.values.get(alg);
    if (!bank) return;
    const old = bank[pcr]!;
    this.version++;
    const h = hashById(alg);
    if (!h?.nodeName || digest.length !== old.length) {
      bank[pcr] = hash(alg, old, digest);
      return;
    }
    // One-shot crypto.hash over a reused buffer: the hot path of measured boot and IMA.
    const buf = this.scratch(old.length * 2);
    buf.set(old, 0);
    buf.set(digest, old.length);
    bank[pcr] = new Uint8Array(oneShotHash(h.nodeName, buf, 'buffer'));
  }

  private scratchBuf: Uint8Array = new Uint8Array(128);

  private scratch(n: number): Uint8Array {
    return this.scratchBuf.subarray(0, n);
  }

  /** Count a change (Part 1 §17.7: pcrUpdateCounter). */
  changed(pcr: number): void {
    if (!PCR_ATTRIBUTES[pcr]!.noIncrement) this.updateCounter = (this.updateCounter + 1) >>> 0;
  }

  /** Set a PCR back to its reset value in every bank (TPM2_PCR_Reset). */
  resetPcr(pcr: number): void {
    this.version++;
    for (const [alg, bank] of this.values) {
      // A reset PCR is all zeros, including the DRTM PCRs 17–22 (their all-ones value only
      // marks "never reset since TPM Reset").
      bank[pcr] = new Uint8Array(hashSize(alg));
    }
  }

  /** Snapshot of the PCRs Shutdown(STATE) saves. */
  snapshot(): Map<number, Uint8Array[]> {
    return new Map([...this.values].map(([alg, arr]) => [alg, arr.map((v) => v.slice())]));
  }

  restore(saved: Map<number, Uint8Array[]>, counter: number): void {
    this.version++;
    for (const [alg, arr] of saved) {
      const bank = this.values.get(alg);
      if (!bank) continue;
      for (let i = 0; i < IMPLEMENTATION_PCR; i++) if (PCR_ATTRIBUTES[i]!.stateSave) bank[i] = arr[i]!.slice();
    }
    this.updateCounter = counter;
  }
}
