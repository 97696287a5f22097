/**
 * Step 6: the measurements. The TCG event log and the IMA list are untrusted until they replay
 * to PCR values the quote proved:
 *
 *   1. parse the TCG log; when the agent sent no PCR values, the SHA-256 replay of the log (and of
 *      IMA for PCR 10) must hash to the quoted pcrDigest — then those values are the proven ones;
 *   2. IMA: the list replays (SHA-256 bank, template data re-hashed as kernels ≥ 5.10 do) to the
 *      quoted PCR 10;
 *   3. IMA's first entry, boot_aggregate = SHA-256(PCR 0 ‖ … ‖ PCR 9) (Linux
 *      ima_calc_boot_aggregate, since 5.8): PCRs 0–7 are quoted, so when it matches with PCRs 8
 *      and 9 replayed from the log, grub's PCR 8/9 measurements (command line, kernel, initrd) are
 *      attested through PCR 10 even though the quote does not select them;
 *   4. `eventlog.verify` keeps only events of PCRs that replay to proven values (named firmware
 *      quirks applied to a copy) whose data match their digest.
 * Every mismatch is a finding naming the PCR with the quoted and replayed values.
 */
import { TPM_ALG_SHA256 } from '../core/hash.js';
import { isTlError } from '../core/errors.js';
import { ima, parseEventLog, replay, verify as verifyLog, type TcgEvent, type TcgEventLog } from '../eventlog/index.js';
import { finding, type Finding } from './findings.js';
import { pcrDigest } from '../tpm/crypto/pcr-digest.js';
import { bytesEqual } from '../core/bytes.js';
import { pcrSelection } from '../tpm/types/pcr.js';

export interface LogStepInput {
  readonly tcgLog: Uint8Array | undefined;
  readonly imaLog: Uint8Array | undefined;
  /** SHA-256 PCRs the quote selects. */
  readonly selected: readonly number[];
  readonly pcrDigest: Uint8Array;
  /** Values the quote proved (undefined: derive them from the log). */
  readonly quoted: ReadonlyMap<number, Uint8Array> | undefined;
  /** The signing scheme's hash of the quote (pcrDigest uses it). */
  readonly digestAlg: number;
  /** IMA is expected (the baseline has modules): its absence is a finding. */
  readonly requireIma: boolean;
}

export interface LogStep {
  readonly findings: readonly Finding[];
  /** Quote-backed events (empty when the log is missing or broken). */
  readonly events: readonly TcgEvent[];
  readonly verifiedPcrs: ReadonlySet<number>;
  /** Attested IMA entries (undefined when IMA is absent or did not replay). */
  readonly imaEntries: readonly ima.ImaEntry[] | undefined;
  /** Whether the quote's digest could not be tied to the log (an evidence failure). */
  readonly digestMismatch: boolean;
  readonly quirksApplied: readonly string[];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const EMPTY: LogStep = { findings: [], events: [], verifiedPcrs: new Set(), imaEntries: undefined, digestMismatch: false, quirksApplied: [] };

function parseIma(bytes: Uint8Array): ima.ImaEntry[] | Finding {
  try {
    return ima.parseImaLog(bytes);
  } catch (e) {
    if (!isTlError(e)) throw e;
    return finding('ima.malformed', 'IMA log', `The IMA measurement list does not parse: ${e.message}.`);
  }
}

export function logStep(i: LogStepInput): LogStep {
  const findings: Finding[] = [];
  if (!i.tcgLog || i.tcgLog.length === 0) return { ...EMPTY, findings: [finding('eventlog.missing', 'TCG event log', 'The agent sent no TCG event log: the boot cannot be checked.')] };
  let log: TcgEventLog;
  try {
    log = parseEventLog(i.tcgLog);
  } catch (e) {
    if (!isTlError(e)) throw e;
    return { ...EMPTY, findings: [finding('eventlog.malformed', 'TCG event log', `The TCG event log does not parse: ${e.message}.`)] };
  }
  const has10 = i.selected.includes(10);
  let entries: ima.ImaEntry[] | undefined;
  if (has10 && i.imaLog && i.imaLog.length) {
    const p = parseIma(i.imaLog);
    if (Array.isArray(p)) entries = p;
    else findings.push(p);
  } else if (has10 && i.requireIma) {
    findings.push(finding('ima.missing', 'IMA log', 'The agent sent no IMA measurement list although PCR 10 is quoted and the baseline measures kernel modules.'));
  }
  const imaReplay = entries ? ima.replayIma(entries, [TPM_ALG_SHA256]) : undefined;
  const imaPcr10 = imaReplay?.pcrs.get(TPM_ALG_SHA256)?.get(10);

  // 1. Proven PCR values. With the agent's values, only PCRs 8–9 need replaying here (for the boot
  // aggregate); eventlog.verify replays the quoted ones itself.
  const events = i.quoted ? log.events.filter((e) => e.pcrIndex === 8 || e.pcrIndex === 9) : log.events;
  const replayed = replay(log, { banks: [TPM_ALG_SHA256], events }).get(TPM_ALG_SHA256) ?? new Map<number, Uint8Array>();
  let quoted = i.quoted;
  if (!quoted) {
    const derived = new Map<number, Uint8Array>();
    for (const p of i.selected) {
      const v = p === 10 ? imaPcr10 : replayed.get(p);
      derived.set(p, v ?? new Uint8Array(32).fill(p >= 17 && p <= 22 ? 0xff : 0));
    }
    if (!bytesEqual(pcrDigest(i.digestAlg, new Map([[TPM_ALG_SHA256, derived]]), [pcrSelection(TPM_ALG_SHA256, i.selected)]), i.pcrDigest)) {
      return { ...EMPTY, digestMismatch: true, findings: [...findings, finding('quote.pcr_digest_mismatch', 'quote', 'The event log (and IMA list) do not replay to the quoted PCR digest.', { expected: hex(i.pcrDigest) })] };
    }
    quoted = derived;
  }

  // 2. IMA against PCR 10.
  let imaOk = false;
  if (entries && imaReplay && has10) {
    const q = quoted.get(10)!;
    if (!imaPcr10 || !bytesEqual(imaPcr10, q)) {
      findings.push(finding('ima.replay_mismatch', 'PCR 10', 'The IMA measurement list does not replay to the quoted PCR 10: entries were added, removed or edited.', { expected: hex(q), actual: imaPcr10 ? hex(imaPcr10) : 'no PCR 10 entries' }));
    } else {
      imaOk = true;
      for (const idx of imaReplay.templateHashMismatches) findings.push(finding('ima.template_hash_mismatch', `IMA entry ${idx}`, `IMA entry ${idx}'s SHA-1 template hash does not match its data.`));
    }
  }

  // 3. boot_aggregate → PCRs 8 and 9.
  const trusted = new Map<number, Uint8Array>([...quoted].filter(([p]) => p !== 10));
  if (imaOk && entries![0]?.path === 'boot_aggregate' && entries![0].fileDigest?.algorithm === 'sha256') {
    const bank = new Map<number, Uint8Array>();
    for (let p = 0; p <= 9; p++) bank.set(p, quoted.get(p) ?? replayed.get(p) ?? new Uint8Array(32));
    const expected = ima.bootAggregate(bank, TPM_ALG_SHA256);
    const logged = entries![0].fileDigest.digest;
    if (bytesEqual(expected, logged)) {
      for (const p of [8, 9]) if (!trusted.has(p)) trusted.set(p, bank.get(p)!);
    } else {
      findings.push(finding('ima.boot_aggregate_mismatch', 'boot_aggregate', 'IMA\'s boot_aggregate does not equal SHA-256 of the quoted PCRs 0–7 and the replayed PCRs 8–9: the PCR 8/9 events of the log are not the ones the kernel saw.', { expected: hex(expected), actual: hex(logged) }));
    }
  }

  // 4. Quote-backed events.
  const v = verifyLog(log, new Map([[TPM_ALG_SHA256, trusted]]));
  for (const m of v.mismatched) {
    findings.push(finding('eventlog.replay_mismatch', `PCR ${m.pcrIndex}`, `The TCG event log does not replay to the quoted PCR ${m.pcrIndex}: events were added, removed or edited.`, { expected: m.quoted, actual: m.replayed }));
  }
  for (const d of v.dataMismatches) {
    findings.push(finding('eventlog.event_data_mismatch', `event ${d.event.index} (PCR ${d.event.pcrIndex})`, `Event ${d.event.index}'s data does not hash to its digest, so its content is not what was measured.`));
  }
  const verifiedPcrs = new Set<number>(v.verifiedPcrs);
  if (imaOk) verifiedPcrs.add(10);
  return { findings, events: v.events, verifiedPcrs, imaEntries: imaOk ? entries : undefined, digestMismatch: false, quirksApplied: v.quirksApplied };
}
