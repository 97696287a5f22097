/**
 * Pure replay of an event log into PCR values, per bank (TPM 2.0 Part 1 §17.3: extend is
 * PCR := H(PCR || digest)).
 *
 * Initial values (PFP §3.3.2 and §10.4.5.3; TPM 2.0 Part 1 §34.3):
 *   - PCR 0–16 and 23 start at zero, PCR 17–22 (DRTM) at all-ones;
 *   - an EV_NO_ACTION "StartupLocality" event in PCR 0 (before any PCR 0 measurement) sets the last
 *     byte of PCR 0 to the locality the TPM was started from (e.g. 3);
 *   - an EV_EFI_HCRTM_EVENT in PCR 0 means the H-CRTM sequence ran at locality 4: PCR 0 starts at
 *     …04 and the event's digest is extended as usual.
 * EV_NO_ACTION events are never extended (PFP §10.4.1).
 *
 * Speed: node:crypto's one-shot `hash()` into a reused scratch buffer is about twice as fast as
 * `createHash().update().update().digest()` for these 40–128-byte inputs (bench/eventlog.bench.ts).
 */
import { hash as oneShotHash } from 'node:crypto';
import { hashById } from '../core/hash.js';
import { EV_EFI_HCRTM_EVENT, EV_NO_ACTION } from './event-types.js';
import type { TcgEvent, TcgEventLog } from './log-types.js';
import { parseStartupLocality } from './decode/no-action.js';

/** PCR values by bank (TPM_ALG_ID) then PCR index. */
export type PcrValues = Map<number, Map<number, Uint8Array>>;

export interface ReplayOptions {
  /** Only these banks (default: every bank the log declares that node:crypto can compute). */
  readonly banks?: readonly number[];
  /** Only these events (default: all). Used by `verify` to replay a log copy with quirks applied. */
  readonly events?: readonly TcgEvent[];
}

export interface InitialPcr0 {
  /** The locality PCR 0 was started from: 0, 3 (StartupLocality) or 4 (H-CRTM). */
  readonly locality: number;
  /** Index of the event that set it, if any. */
  readonly eventIndex?: number;
}

/** Where PCR 0 starts, from the StartupLocality / H-CRTM events (see the module comment). */
export function initialPcr0(events: readonly TcgEvent[]): InitialPcr0 {
  for (const e of events) {
    if (e.pcrIndex !== 0) continue;
    if (e.eventType === EV_EFI_HCRTM_EVENT) return { locality: 4, eventIndex: e.index };
    if (e.eventType === EV_NO_ACTION) {
      const loc = parseStartupLocality(e.data);
      if (loc !== undefined) return { locality: loc, eventIndex: e.index };
      continue;
    }
    // A measurement into PCR 0 came first: later StartupLocality events cannot change the start value.
    return { locality: 0 };
  }
  return { locality: 0 };
}

/** The reset value of a PCR in a bank of `size` bytes (see the module comment). */
export function initialPcrValue(pcr: number, size: number, pcr0Locality = 0): Uint8Array {
  const v = new Uint8Array(size);
  if (pcr >= 17 && pcr <= 22) v.fill(0xff);
  else if (pcr === 0) v[size - 1] = pcr0Locality;
  return v;
}

/** Replay every extending event. Returns values only for PCRs that at least one event extends (plus PCR 0 when a locality event sets it). */
export function replay(log: TcgEventLog, options: ReplayOptions = {}): PcrValues {
  const events = options.events ?? log.events;
  const banks = (options.banks ?? log.banks).filter((b) => hashById(b)?.nodeName !== undefined);
  const locality = initialPcr0(events).locality;
  const out: PcrValues = new Map();
  for (const algId of banks) {
    const alg = hashById(algId)!;
    const name = alg.nodeName!;
    const size = alg.digestSize;
    const scratch = Buffer.allocUnsafe(size * 2);
    const pcrs = new Map<number, Uint8Array>();
    if (locality !== 0) pcrs.set(0, initialPcrValue(0, size, locality));
    for (const e of events) {
      if (e.eventType === EV_NO_ACTION) continue;
      let d: Uint8Array | undefined;
      for (const x of e.digests) if (x.algId === algId) { d = x.digest; break; }
      if (d === undefined) continue;
      const cur = pcrs.get(e.pcrIndex) ?? initialPcrValue(e.pcrIndex, size, locality);
      scratch.set(cur, 0);
      scratch.set(d, size);
      pcrs.set(e.pcrIndex, oneShotHash(name, scratch, 'buffer'));
    }
    out.set(algId, pcrs);
  }
  return out;
}

/** PCR values as `{ sha256: { 0: 'hex', … } }` for printing and JSON. */
export function pcrValuesToHex(values: PcrValues): Record<string, Record<number, string>> {
  const out: Record<string, Record<number, string>> = {};
  for (const [algId, pcrs] of values) {
    const name = hashById(algId)?.name ?? `0x${algId.toString(16).padStart(4, '0')}`;
    const bank: Record<number, string> = {};
    for (const i of [...pcrs.keys()].sort((a, b) => a - b)) bank[i] = Buffer.from(pcrs.get(i)!).toString('hex');
    out[name] = bank;
  }
  return out;
}
