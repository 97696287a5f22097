import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TPM_ALG_SHA1, TPM_ALG_SHA256 } from '../core/hash.js';
import { checkEventDigest } from './digest-check.js';
import { EV_EFI_VARIABLE_BOOT, EV_NO_ACTION } from './event-types.js';
import { parseEventLog } from './parse.js';
import { QUIRKS } from './quirks.js';
import { pcrValuesToHex, replay } from './replay.js';
import { KEYLIME, readBytes, TPM2_TOOLS, tpm2ToolsFixtures } from './test-support/corpus.js';
import { verify } from './verify.js';

const ALL = [...tpm2ToolsFixtures().map((f) => f.bin), ...['binary_bios_measurements', 'binary_bios_measurements-secureboot', 'mb_log.bin'].map((f) => `${KEYLIME}/${f}`)];

describe('digest checks (event data bound to its digest)', () => {
  it('every checkable event of every corpus log is bound to its digest, by a named rule', () => {
    const rules = new Map<string, number>();
    for (const f of ALL) {
      for (const e of parseEventLog(readBytes(f)).events) {
        const c = checkEventDigest(e);
        expect(c.status, `${f} event ${e.index}`).not.toBe('mismatch');
        if (c.status === 'ok') rules.set(c.rule, (rules.get(c.rule) ?? 0) + 1);
      }
    }
    // Each rule, spec and variant, is exercised by real logs.
    expect([...rules.keys()].sort()).toEqual(
      ['EventData', 'GrubStringWithoutNul', 'ShimAuthorityExtraByte', 'SystemdBootUtf16MissingNulByte', 'VariableData', 'WholeUefiVariableData'].sort(),
    );
  });

  it('the event tpm2_eventlog warns about (arch-linux event 24) is the systemd-boot variant; Boot#### there hash the whole structure', () => {
    const log = parseEventLog(readBytes(`${TPM2_TOOLS}/event-arch-linux.bin`));
    expect(checkEventDigest(log.events[24]!)).toEqual({ status: 'ok', rule: 'SystemdBootUtf16MissingNulByte' });
    const boots = log.events.filter((e) => e.eventType === EV_EFI_VARIABLE_BOOT).map((e) => checkEventDigest(e));
    expect(boots.length).toBeGreaterThan(0);
    for (const b of boots) expect(b).toEqual({ status: 'ok', rule: 'WholeUefiVariableData' });
  });

  it('binds data to the quoted banks only: a wrong digest in an unquoted bank proves nothing and blocks nothing', () => {
    const data = new TextEncoder().encode('Calling EFI Application from Boot Option');
    const sha256 = new Uint8Array(createHash('sha256').update(data).digest());
    const wrongSha1 = new Uint8Array(20).fill(0xee);
    const e = { index: 0, pcrIndex: 4, eventType: 0x80000007, digests: [{ algId: TPM_ALG_SHA1, digest: wrongSha1 }, { algId: TPM_ALG_SHA256, digest: sha256 }], data, dataOffset: 0, offset: 0 } as unknown as Parameters<typeof checkEventDigest>[0];
    expect(checkEventDigest(e).status).toBe('mismatch');
    expect(checkEventDigest(e, new Set([TPM_ALG_SHA256]))).toEqual({ status: 'ok', rule: 'EventData' });
    expect(checkEventDigest(e, new Set([TPM_ALG_SHA1])).status).toBe('mismatch');
  });

  it('a flipped data byte is a mismatch', () => {
    const bytes = readBytes(`${TPM2_TOOLS}/event-gce-ubuntu-2104-log.bin`).slice();
    const log = parseEventLog(bytes);
    const sb = log.events.find((e) => e.pcrIndex === 7 && e.index > 0)!;
    bytes[sb.dataOffset + sb.data.length - 1]! ^= 1;
    expect(checkEventDigest(parseEventLog(bytes).events[sb.index]!).status).toBe('mismatch');
  });
});

describe('verify(log, quotedPcrs)', () => {
  const bytes = readBytes(`${KEYLIME}/binary_bios_measurements-secureboot`);
  const log = parseEventLog(bytes);
  const quoted = pcrValuesToHex(replay(log));

  it('a matching quote verifies every PCR and returns every extending event', () => {
    const v = verify(log, quoted);
    expect(v.ok).toBe(true);
    expect(v.mismatched).toEqual([]);
    expect(v.quirksApplied).toEqual([]);
    expect(v.events.length).toBe(log.events.filter((e) => e.eventType !== EV_NO_ACTION).length);
  });

  it('a PCR that does not replay drops its events and is reported; other PCRs stay verified', () => {
    const bad = structuredClone(quoted);
    bad.sha256![7] = 'ab'.repeat(32);
    const v = verify(log, bad);
    expect(v.ok).toBe(false);
    expect(v.mismatched).toEqual([{ algId: TPM_ALG_SHA256, pcrIndex: 7, quoted: 'ab'.repeat(32), replayed: quoted.sha256![7] }]);
    expect(v.events.some((e) => e.pcrIndex === 7)).toBe(false);
    expect(v.events.some((e) => e.pcrIndex === 4)).toBe(true);
    expect(v.verifiedPcrs).not.toContain(7);
  });

  it('only quoted PCRs are trusted', () => {
    const v = verify(log, { sha256: { 4: quoted.sha256![4]! } });
    expect(v.ok).toBe(true);
    expect(new Set(v.events.map((e) => e.pcrIndex))).toEqual(new Set([4]));
  });

  it('a quoted PCR the log never extends must hold its reset value', () => {
    expect(verify(log, { sha256: { 16: '00'.repeat(32) } }).ok).toBe(true);
    expect(verify(log, { sha256: { 16: '01'.repeat(32) } }).mismatched.length).toBe(1);
  });

  it('events whose data contradicts their digest are excluded even when the PCR replays', () => {
    const tampered = bytes.slice();
    const sb = log.events.find((e) => e.pcrIndex === 7 && e.index > 0)!;
    tampered[sb.dataOffset + sb.data.length - 1]! ^= 1; // SecureBoot=1 → 0, digest unchanged
    const v = verify(parseEventLog(tampered), quoted);
    expect(v.ok).toBe(true);
    expect(v.dataMismatches.map((m) => m.event.index)).toEqual([sb.index]);
    expect(v.events.some((e) => e.index === sb.index)).toBe(false);
  });

  it('StartupLocality: PCR 0 of the keylime log verifies against the spec-correct value, and the locality event is returned', () => {
    const l = parseEventLog(readBytes(`${KEYLIME}/binary_bios_measurements`));
    const q = pcrValuesToHex(replay(l));
    const v = verify(l, { sha1: { 0: q.sha1![0]! }, sha256: { 0: q.sha256![0]! } });
    expect(v.ok).toBe(true);
    expect(v.events.some((e) => e.eventType === EV_NO_ACTION && e.data[16] === 3)).toBe(true);
  });
});

describe('quirks table', () => {
  // A real log read before ExitBootServices: it has no "Exit Boot Services Invocation" event.
  const log = parseEventLog(readBytes(`${KEYLIME}/binary_bios_measurements`));
  const quoted = pcrValuesToHex(replay(log));
  // What the TPM holds when firmware extended "Exit Boot Services Invocation" after the log was copied.
  const extend = (alg: 'sha1' | 'sha256', pcr: string, text: string): string =>
    createHash(alg).update(Buffer.from(pcr, 'hex')).update(createHash(alg).update(text).digest()).digest('hex');

  it('names every quirk with a source', () => {
    expect(QUIRKS.map((q) => q.name)).toEqual(['ExitBootServicesNotLogged', 'ExitBootServicesAndReturnNotLogged']);
    for (const q of QUIRKS) expect(q.description.length).toBeGreaterThan(40);
  });

  it('ExitBootServicesNotLogged: applied to a copy, only when PCR 5 needs it', () => {
    const q = { sha1: { 5: extend('sha1', quoted.sha1![5]!, 'Exit Boot Services Invocation') }, sha256: { 5: extend('sha256', quoted.sha256![5]!, 'Exit Boot Services Invocation') } };
    const v = verify(log, q);
    expect(v.ok).toBe(true);
    expect(v.quirksApplied).toEqual(['ExitBootServicesNotLogged']);
    expect(v.log).not.toBe(log);
    expect(v.log.events.length).toBe(log.events.length + 1);
    expect(log.events.length).toBe(parseEventLog(log.bytes).events.length); // original untouched
    expect(verify(log, quoted).quirksApplied).toEqual([]);
  });

  it('ExitBootServicesAndReturnNotLogged', () => {
    const s1 = extend('sha1', extend('sha1', quoted.sha1![5]!, 'Exit Boot Services Invocation'), 'Exit Boot Services Returned with Success');
    const v = verify(log, { sha1: { 5: s1 } });
    expect(v.ok).toBe(true);
    expect(v.quirksApplied).toEqual(['ExitBootServicesAndReturnNotLogged']);
  });

  it('a quirk that does not fix the PCR is not applied', () => {
    const v = verify(log, { [TPM_ALG_SHA1]: { 5: '11'.repeat(20) } });
    expect(v.ok).toBe(false);
    expect(v.quirksApplied).toEqual([]);
  });
});
