/**
 * Verify a log against PCR values the TPM quoted (the only trusted input):
 *   1. Replay the log per bank (replay.ts) and compare every quoted PCR.
 *   2. For each mismatching PCR, try the quirks that affect it (quirks.ts) on a copy of the log;
 *      keep the first that makes the PCR match, and report its name.
 *   3. Return only events whose PCR matched in every quoted bank covering it and whose data is
 *      bound to its digest (digest-check.ts). EV_NO_ACTION events are informational and never
 *      returned, except a StartupLocality event when PCR 0 verified (it set PCR 0's start value).
 * A PCR in the log but not quoted yields unverified events; a quoted PCR absent from the log must
 * equal its reset value. Mismatches are findings in the result, never exceptions.
 */
import { bytesEqual, toHex } from '../core/bytes.js';
import { hashById } from '../core/hash.js';
import { checkEventDigest, type DigestCheck } from './digest-check.js';
import { EV_NO_ACTION } from './event-types.js';
import type { TcgEvent, TcgEventLog } from './log-types.js';
import { QUIRKS } from './quirks.js';
import { initialPcr0, initialPcrValue, replay, type PcrValues } from './replay.js';

/** Quoted PCRs: `{ sha256: { 0: 'hex', … } }` or a PcrValues map. */
export type QuotedPcrs = PcrValues | Readonly<Record<string, Readonly<Record<number, string | Uint8Array>>>>;

export interface PcrMismatch {
  readonly algId: number;
  readonly pcrIndex: number;
  readonly quoted: string;
  readonly replayed: string;
}

export interface VerifiedLog {
  /** True when every quoted PCR matched (after quirks). */
  readonly ok: boolean;
  /** Events backed by the quote, in log order. */
  readonly events: readonly TcgEvent[];
  /** Quoted PCRs that the log does not replay to. */
  readonly mismatched: readonly PcrMismatch[];
  /** Quoted PCR indexes that matched in every quoted bank. */
  readonly verifiedPcrs: readonly number[];
  /** Names of quirks that were needed (see quirks.ts). */
  readonly quirksApplied: readonly string[];
  /** Events excluded because their data does not hash to their digest. */
  readonly dataMismatches: readonly { readonly event: TcgEvent; readonly check: DigestCheck }[];
  /** The log the events come from (a copy when quirks were applied). */
  readonly log: TcgEventLog;
}

export function normalizeQuoted(q: QuotedPcrs): PcrValues {
  if (q instanceof Map) return q;
  const out: PcrValues = new Map();
  for (const [bank, pcrs] of Object.entries(q)) {
    const alg = /^\d+$/.test(bank) ? hashById(Number(bank)) : hashByNameLoose(bank);
    if (!alg) throw new RangeError(`unknown PCR bank ${bank}`);
    const m = new Map<number, Uint8Array>();
    for (const [i, v] of Object.entries(pcrs)) m.set(Number(i), typeof v === 'string' ? Buffer.from(v.replace(/^0x/i, ''), 'hex') : v);
    out.set(alg.algId, m);
  }
  return out;
}

function hashByNameLoose(name: string) {
  const n = name.toLowerCase().replace(/[-_]/g, '');
  for (const id of [0x0004, 0x000b, 0x000c, 0x000d, 0x0012]) if (hashById(id)!.name.replace(/_/g, '') === n) return hashById(id);
  return undefined;
}

function compare(log: TcgEventLog, quoted: PcrValues, events: readonly TcgEvent[]): PcrMismatch[] {
  const replayed = replay(log, { events, banks: [...quoted.keys()] });
  const pcr0 = initialPcr0(events).locality;
  const out: PcrMismatch[] = [];
  for (const [algId, pcrs] of quoted) {
    const size = hashById(algId)?.digestSize ?? 0;
    for (const [i, q] of pcrs) {
      const r = replayed.get(algId)?.get(i) ?? initialPcrValue(i, size, pcr0);
      if (!bytesEqual(r, q)) out.push({ algId, pcrIndex: i, quoted: toHex(q), replayed: toHex(r) });
    }
  }
  return out;
}

export function verify(log: TcgEventLog, quotedPcrs: QuotedPcrs): VerifiedLog {
  const quoted = normalizeQuoted(quotedPcrs);
  let current = log;
  let mismatched = compare(current, quoted, current.events);
  const quirksApplied: string[] = [];
  for (const q of QUIRKS) {
    if (!mismatched.some((m) => q.pcrs.includes(m.pcrIndex))) continue;
    const copy = q.apply(current);
    if (!copy) continue;
    const after = compare(copy, quoted, copy.events);
    const fixed = mismatched.filter((m) => q.pcrs.includes(m.pcrIndex) && !after.some((a) => a.algId === m.algId && a.pcrIndex === m.pcrIndex));
    const broke = after.some((a) => !mismatched.some((m) => m.algId === a.algId && m.pcrIndex === a.pcrIndex));
    if (fixed.length > 0 && !broke) {
      current = copy;
      mismatched = after;
      quirksApplied.push(q.name);
    }
  }
  const quotedPcrIdx = new Set<number>();
  for (const pcrs of quoted.values()) for (const i of pcrs.keys()) quotedPcrIdx.add(i);
  const bad = new Set(mismatched.map((m) => m.pcrIndex));
  const verifiedPcrs = [...quotedPcrIdx].filter((i) => !bad.has(i)).sort((a, b) => a - b);
  const ok = new Set(verifiedPcrs);
  const startup = initialPcr0(current.events);
  const quotedBanks = new Set(quoted.keys());
  const events: TcgEvent[] = [];
  const dataMismatches: { event: TcgEvent; check: DigestCheck }[] = [];
  for (const e of current.events) {
    if (!ok.has(e.pcrIndex)) continue;
    if (e.eventType === EV_NO_ACTION) {
      if (e.pcrIndex === 0 && e.index === startup.eventIndex) events.push(e);
      continue;
    }
    // The event must carry a digest for every quoted bank that covers its PCR: a bank it lacks was not proven.
    const covered = [...quoted].filter(([, p]) => p.has(e.pcrIndex)).every(([algId]) => e.digests.some((d) => d.algId === algId));
    if (!covered) continue;
    // Data bound to the quoted banks' digests (the other banks' digests are not proven).
    const check = checkEventDigest(e, quotedBanks);
    if (check.status === 'mismatch') dataMismatches.push({ event: e, check });
    else events.push(e);
  }
  return { ok: mismatched.length === 0, events, mismatched, verifiedPcrs, quirksApplied, dataMismatches, log: current };
}
