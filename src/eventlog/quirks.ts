/**
 * Known firmware defects that make an honest log fail to replay, as a named, tested table
 * (the approach of go-attestation `attest/eventlog_workarounds.go`). `verify()` tries a quirk only
 * when a quoted PCR it affects mismatches, applies it to a *copy* of the log, and reports its name:
 * nothing is silently rewritten, and the original log is never modified.
 */
import { hash as oneShotHash } from 'node:crypto';
import { hashById } from '../core/hash.js';
import { utf8 } from '../core/bytes.js';
import { EV_EFI_ACTION } from './event-types.js';
import type { TcgEvent, TcgEventLog } from './log-types.js';

export interface Quirk {
  readonly name: string;
  /** Why real firmware does this, with a source. */
  readonly description: string;
  /** PCRs whose replay the quirk changes. */
  readonly pcrs: readonly number[];
  /** A modified copy of the log, or undefined when the quirk does not apply to it. */
  apply(log: TcgEventLog): TcgEventLog | undefined;
}

function syntheticAction(log: TcgEventLog, pcrIndex: number, text: string): TcgEvent {
  const data = utf8(text);
  const last = log.events[log.events.length - 1];
  return {
    index: log.events.length,
    pcrIndex,
    eventType: EV_EFI_ACTION,
    digests: log.banks.filter((b) => hashById(b)?.nodeName).map((algId) => ({ algId, digest: oneShotHash(hashById(algId)!.nodeName!, data, 'buffer') })),
    data,
    offset: last ? last.offset : 0,
    dataOffset: -1,
  };
}

const hasAction = (log: TcgEventLog, pcr: number, text: string): boolean =>
  log.events.some((e) => e.pcrIndex === pcr && e.eventType === EV_EFI_ACTION && Buffer.from(e.data).toString('latin1') === text);

function appendEvents(log: TcgEventLog, texts: readonly string[], pcr: number): TcgEventLog | undefined {
  const missing = texts.filter((t) => !hasAction(log, pcr, t));
  if (missing.length === 0) return undefined;
  let copy: TcgEventLog = { ...log, events: [...log.events] };
  for (const t of missing) copy = { ...copy, events: [...copy.events, syntheticAction(copy, pcr, t)] };
  return copy;
}

export const QUIRKS: readonly Quirk[] = [
  {
    name: 'ExitBootServicesNotLogged',
    description:
      'Firmware extends "Exit Boot Services Invocation" into PCR 5 (PFP §3.3.4.5) after the OS copied the log, so the event is missing from it (go-attestation eventlog_workarounds.go, "ebs-event-missing").',
    pcrs: [5],
    apply: (log) => appendEvents(log, ['Exit Boot Services Invocation'], 5),
  },
  {
    name: 'ExitBootServicesAndReturnNotLogged',
    description:
      'As ExitBootServicesNotLogged, with "Exit Boot Services Returned with Success" also extended after the log was copied.',
    pcrs: [5],
    apply: (log) => appendEvents(log, ['Exit Boot Services Invocation', 'Exit Boot Services Returned with Success'], 5),
  },
];
