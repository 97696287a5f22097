import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatGuidRawOrder, encodeGuid, parseSignatureLists, signatureEntries } from '../../core/efi/index.js';
import { utf8 } from '../../core/bytes.js';
import { TPM_ALG_SHA1, TPM_ALG_SHA256 } from '../../core/hash.js';
import { buildEmulatedBoot } from '../builder/emulated-boot.js';
import { EventLogBuilder } from '../builder/builder.js';
import { encodeEventLog } from '../builder/encode.js';
import { decodeEventText } from '../decode/strings.js';
import { EV_POST_CODE } from '../event-types.js';
import type { TcgEvent } from '../log-types.js';
import { parseEventLog } from '../parse.js';
import { pcrValuesToHex, replay, type PcrValues } from '../replay.js';
import { KEYLIME, readBytes, TPM2_TOOLS, tpm2ToolsFixtures } from '../test-support/corpus.js';
import { sampleBootSpec } from '../test-support/sample-boot.js';
import { verify } from '../verify.js';
import { bootChain, grubCommandArgs, secureBootState } from './index.js';

const verified = (path: string) => {
  const log = parseEventLog(readBytes(path));
  return verify(log, pcrValuesToHex(replay(log))).events;
};

describe('secureBootState', () => {
  it('certificate subjects and issuers equal openssl\'s one-line form, for every X.509 entry in the corpus', () => {
    const seen = new Map<string, { subject?: string; issuer?: string }>();
    for (const f of [...tpm2ToolsFixtures().map((x) => x.bin), `${KEYLIME}/binary_bios_measurements-secureboot`]) {
      const s = secureBootState(verified(f));
      for (const db of [s.pk, s.kek, s.db]) for (const e of db?.entries ?? []) if (e.certificate) seen.set(e.data, e.certificate);
    }
    expect(seen.size).toBeGreaterThan(5);
    for (const [hex, c] of seen) {
      const out = execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-subject', '-issuer', '-nameopt', 'oneline'], { input: Buffer.from(hex, 'hex'), encoding: 'utf8' });
      expect(`subject=${c.subject}\nissuer=${c.issuer}\n`).toBe(out);
    }
  });

  it('RHEL 9 Secure Boot log (keylime): enabled, databases, authorities after the separator, SbatLevel', () => {
    const s = secureBootState(verified(`${KEYLIME}/binary_bios_measurements-secureboot`));
    expect(s.enabled).toBe(true);
    expect(s.anomalies).toEqual([]);
    expect(s.pk!.entries.map((e) => e.certificate!.subject)).toEqual(['CN = Red Hat Secure Boot (PK/KEK key 1), emailAddress = secalert@redhat.com']);
    expect(s.kek!.entries.map((e) => e.certificate!.subject!.split('CN = ')[1])).toEqual(['Red Hat Secure Boot (PK/KEK key 1), emailAddress = secalert@redhat.com', 'Microsoft Corporation KEK CA 2011', 'Microsoft Corporation KEK 2K CA 2023']);
    expect(s.db!.entries.map((e) => e.certificate!.subject!.split('CN = ')[1])).toEqual(['Microsoft Windows Production PCA 2011', 'Windows UEFI CA 2023', 'Microsoft Corporation UEFI CA 2011', 'Microsoft UEFI CA 2023']);
    expect(s.dbx!.entries.length).toBe(371);
    expect(new Set(s.dbx!.entries.map((e) => e.signatureTypeName))).toEqual(new Set(['EFI_CERT_SHA256_GUID']));
    expect(s.preSeparatorAuthority).toEqual([]);
    expect(s.postSeparatorAuthority.map((a) => [a.variable, a.signature?.certificate?.subject?.split('CN = ')[1]])).toEqual([
      ['db', 'Microsoft Corporation UEFI CA 2011'],
      ['vendor_db', 'Red Hat Secure Boot CA 5, emailAddress = secalert@redhat.com'],
    ]);
    expect(s.sbatLevel).toBe('sbat,1,2023012900\nshim,2\ngrub,3\ngrub.debian,4\n');
  });

  it('keylime refstates (GUIDs printed in the pre-5.2 tpm2-tools byte order, keylime #1003) match after reordering', () => {
    const ref = JSON.parse(readFileSync(`${KEYLIME}/example_reference_state.json`, 'utf8'));
    const s = secureBootState(verified(`${KEYLIME}/binary_bios_measurements-secureboot`));
    const ours = new Set([...s.kek!.entries, ...s.db!.entries].map((e) => `${formatGuidRawOrder(encodeGuid(e.owner))} 0x${e.data}`));
    const microsoft = [...ref.kek, ...ref.db].filter((e: any) => e.SignatureOwner === 'bd9afa77-5903-324d-bd60-28f4e78f784b');
    expect(microsoft.length).toBe(3);
    for (const e of microsoft) expect(ours.has(`${e.SignatureOwner} ${e.SignatureData}`)).toBe(true);
  });

  it('only quote-backed events count: a PCR 7 that does not replay yields no Secure Boot state', () => {
    const log = parseEventLog(readBytes(`${KEYLIME}/binary_bios_measurements-secureboot`));
    const q = pcrValuesToHex(replay(log));
    q.sha256![7] = '00'.repeat(32);
    const s = secureBootState(verify(log, q).events);
    expect(s.enabled).toBeUndefined();
    expect(s.db).toBeUndefined();
  });
});

describe('bootChain', () => {
  it('RHEL 9 log: shim, grub and kernel Authenticode digests, command line, files, MOK digests', () => {
    const c = bootChain(verified(`${KEYLIME}/binary_bios_measurements-secureboot`));
    expect(c.applications.map((a) => a.authenticode.sha256!.slice(0, 8))).toEqual(['27b12463', '0abc88ee', '219b8b53']);
    expect(c.applications[0]!.devicePath).toBe('PciRoot(0x0)/Pci(0x2,0x3)/Pci(0x0,0x0)/HD(1,GPT,a88ed452-9a52-45c4-91ce-3da7707caaab,0x800,0x12c000)/\\EFI\\redhat\\shimx64.efi');
    expect(c.kernelCmdline).toMatch(/^\(hd0,gpt2\)\/vmlinuz-5\.14\.0-503\.11\.1\.el9_5\.x86_64 root=\/dev\/mapper\/rhel_rhel--9-root ro .* console=ttyS0$/);
    expect(c.files.some((f) => f.path.startsWith('(hd0,gpt2)/initramfs-5.14.0-503.11.1.el9_5.x86_64.img'))).toBe(true);
    expect(c.pcr4Actions).toEqual(['Calling EFI Application from Boot Option']);
    // keylime's example refstate lists this MokListX digest (mokxdig).
    const ref = JSON.parse(readFileSync(`${KEYLIME}/example_reference_state.json`, 'utf8'));
    expect('0x' + c.mok.MokListX!.sha256).toBe(ref.mokxdig[0].sha256);
    expect(Object.keys(c.mok)).toEqual(['MokList', 'MokListX', 'MokListTrusted']);
  });

  it('an emulated boot interprets back to exactly what it was built from', () => {
    const spec = sampleBootSpec();
    const built = buildEmulatedBoot(spec);
    const events = verify(parseEventLog(built.bytes), built.pcrs).events;
    const c = bootChain(events);
    const auth = (d: any) => ({ sha1: Buffer.from(d[TPM_ALG_SHA1]).toString('hex'), sha256: Buffer.from(d[TPM_ALG_SHA256]).toString('hex') });
    expect(c.applications.map((a) => a.authenticode)).toEqual([auth(spec.shim.authenticode), auth(spec.grub.authenticode), auth(spec.kernel.authenticode)]);
    expect(c.applications[0]!.devicePath).toBe('PciRoot(0x0)/Pci(0x3,0x0)/SCSI(0,0)/HD(1,GPT,6ea6f740-25ef-4269-838d-1a6f21ebf27f,0x800,0x32000)/\\EFI\\ubuntu\\shimx64.efi');
    expect(c.kernelCmdline).toBe(`${spec.kernel.path} ${spec.cmdline}`);
    expect(c.grubCommands).toEqual([...spec.grubCommands, `linux ${spec.kernel.path} ${spec.cmdline}`]);
    expect(c.anomalies).toEqual([]);
    expect(c.files.map((f) => f.path)).toEqual(['(hd0,gpt1)/boot/grub/grub.cfg', spec.kernel.path, spec.initrd!.path]);
    expect(c.mok.MokList!.sha256).toBe(createHash('sha256').update(spec.mok!.mokList).digest('hex'));
    expect(c.bootOrder).toEqual([1, 0]);
    expect(c.bootOptions.map((o) => [o.name, o.description, o.active])).toEqual([['Boot0001', 'ubuntu', true], ['Boot0000', 'UiApp', true]]);
    expect(c.pcr5Actions).toEqual(['Exit Boot Services Invocation', 'Exit Boot Services Returned with Success']);
    const s = secureBootState(events);
    expect(s.enabled).toBe(true);
    expect(s.db!.entries.map((e) => e.data)).toEqual(signatureEntries(parseSignatureLists(spec.db)).map((e) => Buffer.from(e.SignatureData).toString('hex')));
    expect(s.postSeparatorAuthority.map((a) => a.variable)).toEqual(['db', 'Shim']);
    expect(s.sbatLevel).toBe(spec.sbatLevel);
  });
});

/** Re-encode a log with some events' data or type changed (digests untouched): what a log editor can do. */
function forge(bytes: Uint8Array, edit: (e: TcgEvent, text: string) => { data?: Uint8Array; eventType?: number } | undefined): Uint8Array {
  const log = parseEventLog(bytes);
  return encodeEventLog({ ...log, events: log.events.map((e) => ({ ...e, ...edit(e, Buffer.from(e.data).toString('utf8')) })) });
}

const GOOD = '/vmlinuz root=/dev/sda1 ro quiet';
const EVIL = '/vmlinuz root=/dev/sda1 ro quiet init=/bin/sh';

/** grub's PCR 8 strings for a boot of EVIL whose grub.cfg also ran the line `GOOD` (an unknown command, measured all the same). */
function evilBoot(extra: (b: EventLogBuilder) => void = () => {}): { bytes: Uint8Array; pcrs: PcrValues } {
  const b = new EventLogBuilder();
  b.grubString('grub_cmd: ', 'set root=hd0,gpt1');
  extra(b);
  b.grubString('grub_cmd: ', `linux ${EVIL}`);
  b.grubFile('/vmlinuz', utf8('kernel'));
  b.grubString('kernel_cmdline: ', EVIL);
  b.grubString('grub_cmd: ', 'initrd /initrd.img');
  b.grubFile('/initrd.img', utf8('initrd'));
  b.grubString('grub_cmd: ', GOOD);
  const { bytes, pcrs } = b.finish();
  return { bytes, pcrs };
}

/** verify() against the genuine PCRs: the forgery must pass it untouched, or the test proves nothing. */
function verifiedForgery(bytes: Uint8Array, pcrs: PcrValues) {
  const v = verify(parseEventLog(bytes), pcrs);
  expect(v.ok).toBe(true);
  expect(v.dataMismatches).toEqual([]);
  return v.events;
}

describe('bootChain().kernelCmdline against relabelled grub strings (grub does not hash the "kernel_cmdline: " label)', () => {
  const relabel = (label: string, content: string) => utf8(`${label} ${content}\0`);

  it('every corpus grub log: the kernel_cmdline measured right after the last linux command, no anomaly; systemd-boot logs: the PCR 12 one, if any', () => {
    const grubLogs = [...tpm2ToolsFixtures().map((f) => f.bin), ...['binary_bios_measurements', 'binary_bios_measurements-secureboot', 'mb_log.bin'].map((f) => `${KEYLIME}/${f}`)]
      .filter((f) => !/ek-template|get-capability/.test(f));
    let withGrub = 0;
    for (const f of grubLogs) {
      const events = verified(f);
      const c = bootChain(events);
      const labelled = events.filter((e) => e.pcrIndex === 8).map((e) => Buffer.from(e.data).toString('utf8').replace(/\0$/, '')).filter((t) => t.startsWith('kernel_cmdline: '));
      if (labelled.length) {
        withGrub++;
        expect(c.kernelCmdline, f).toBe(labelled.at(-1)!.slice(16));
      } else expect(c.kernelCmdline, f).toBe(events.filter((e) => e.pcrIndex === 12).map((e) => decodeEventText(e.data)).at(-1));
      expect(c.anomalies, f).toEqual([]);
    }
    expect(withGrub).toBe(7);
    expect(bootChain(verified(`${TPM2_TOOLS}/event-sd-boot-fedora37.bin`)).kernelCmdline).toBe(' console=ttyS0 console=tty0 efi=debug ');
  });

  it('a measured grub_cmd relabelled "kernel_cmdline: " passes verify() (RHEL 9 log) but is not taken as the command line', () => {
    const bytes = readBytes(`${KEYLIME}/binary_bios_measurements-secureboot`);
    const genuine = bootChain(verified(`${KEYLIME}/binary_bios_measurements-secureboot`)).kernelCmdline!;
    const forged = forge(bytes, (e, t) => (e.pcrIndex === 8 && t.startsWith('grub_cmd: initrd ') ? { data: relabel('kernel_cmdline:', t.slice(10, -1)) } : undefined));
    const c = bootChain(verifiedForgery(forged, replay(parseEventLog(bytes))));
    expect(c.kernelCmdlines.at(-1)).toBe('initrd (hd0,gpt2)/initramfs-5.14.0-503.11.1.el9_5.x86_64.img'); // what a label reader would report
    expect(c.kernelCmdline).toBe(genuine);
    expect(c.anomalies).toEqual([]);
  });

  it('grub.cfg ran the expected command line as a command and the log relabels it: the booted (EVIL) one is reported', () => {
    const { bytes, pcrs } = evilBoot();
    expect(bootChain(verify(parseEventLog(bytes), pcrs).events).kernelCmdline).toBe(EVIL);
    const relabelled = forge(bytes, (e, t) => (t === `grub_cmd: ${GOOD}\0` ? { data: relabel('kernel_cmdline:', GOOD) } : undefined));
    const c = bootChain(verifiedForgery(relabelled, pcrs));
    expect(c.kernelCmdlines.at(-1)).toBe(GOOD);
    expect(c.kernelCmdline).toBe(EVIL);
    // Hiding the real linux command under another label, or logging it without one (its data is then
    // exactly what was hashed), does not hide it: it is recognised by what was hashed.
    for (const hidden of [relabel('module_cmdline:', `linux ${EVIL}`), utf8(`linux ${EVIL}`)]) {
      const f = forge(relabelled, (e, t) => (t === `grub_cmd: linux ${EVIL}\0` ? { data: hidden } : undefined));
      expect(bootChain(verifiedForgery(f, pcrs)).kernelCmdline).toBe(EVIL);
    }
  });

  it('an earlier genuine pair is not reported when the later linux command and its command line are retyped (verify() keeps them as unverifiable)', () => {
    const { bytes, pcrs } = evilBoot((b) => {
      b.grubString('grub_cmd: ', `linux ${GOOD}`);
      b.grubString('kernel_cmdline: ', GOOD);
    });
    expect(bootChain(verify(parseEventLog(bytes), pcrs).events).kernelCmdline).toBe(EVIL);
    const retyped = forge(bytes, (e, t) => (t === `grub_cmd: linux ${EVIL}\0` || t === `kernel_cmdline: ${EVIL}\0` ? { eventType: EV_POST_CODE } : undefined));
    const c = bootChain(verifiedForgery(retyped, pcrs));
    expect(c.kernelCmdlines).toEqual([GOOD]); // all a label reader sees
    expect(c.kernelCmdline).toBeUndefined();
    expect(c.anomalies).toEqual([expect.stringMatching(/^PCR 8 event \d+, after grub's last Linux loader command \(event \d+\), has no content bound to its digests/)]);
  });

  it('a linux command not followed by its own command line gives none, and says why', () => {
    const b = new EventLogBuilder();
    b.grubString('grub_cmd: ', `linux ${EVIL}`);
    b.grubString('grub_cmd: ', GOOD);
    const { bytes, pcrs } = b.finish();
    const relabelled = forge(bytes, (e, t) => (t === `grub_cmd: ${GOOD}\0` ? { data: relabel('kernel_cmdline:', GOOD) } : undefined));
    const c = bootChain(verifiedForgery(relabelled, pcrs));
    expect(c.kernelCmdline).toBeUndefined();
    expect(c.anomalies).toEqual([expect.stringMatching(/^PCR 8 event 2, right after grub's last Linux loader command \(event 1\), is not that command's kernel command line/)]);
    const last = new EventLogBuilder();
    last.grubString('grub_cmd: ', `linuxefi ${EVIL}`);
    expect(bootChain(verify(parseEventLog(last.bytes()), last.pcrs()).events)).toMatchObject({ kernelCmdline: undefined, anomalies: [expect.stringMatching(/is the last PCR 8 event/)] });
    const orphan = new EventLogBuilder();
    orphan.grubString('kernel_cmdline: ', GOOD);
    expect(bootChain(verify(parseEventLog(orphan.bytes()), orphan.pcrs()).events)).toMatchObject({ kernelCmdline: undefined, anomalies: [expect.stringMatching(/no grub Linux loader command/)] });
  });

  it('arguments grub quotes (a space) or escapes (\\ \' ") still pair with their linux command', () => {
    const args = ['/vmlinuz', 'root=/dev/sda1', 'dyndbg=file foo.c +p', `a"b\\c'd`, 'quiet'];
    const kernelCmdline = `/vmlinuz root=/dev/sda1 "dyndbg=file foo.c +p" a\\"b\\\\c\\'d quiet`; // grub_create_loader_cmdline
    expect(grubCommandArgs(kernelCmdline)).toBe(args.join(' '));
    expect(grubCommandArgs('/vmlinuz "unterminated')).toBeUndefined();
    expect(grubCommandArgs('/vmlinuz trailing\\')).toBeUndefined();
    const b = new EventLogBuilder();
    b.grubString('grub_cmd: ', `linux ${args.join(' ')}`);
    b.grubString('kernel_cmdline: ', kernelCmdline);
    expect(bootChain(verify(parseEventLog(b.bytes()), b.pcrs()).events).kernelCmdline).toBe(kernelCmdline);
  });

  it('limit: a linux command that failed after grub measured it, then a command line typed as a command, pairs up (needs control of grub.cfg or the console, not only of the log)', () => {
    // grub.cfg: `linux /vmlinuz …init=/bin/sh` (loads), `set root=hd9` (no such disk), `linux /vmlinuz …quiet`
    // (measured, then fails: no file), `/vmlinuz …quiet` (unknown command, measured). Relabelled, the
    // last pair looks like grub's own; whether grub boots the kernel loaded first depends on its loader.
    const b = new EventLogBuilder();
    b.grubString('grub_cmd: ', `linux ${EVIL}`);
    b.grubFile('/vmlinuz', utf8('kernel'));
    b.grubString('kernel_cmdline: ', EVIL);
    b.grubString('grub_cmd: ', 'set root=hd9');
    b.grubString('grub_cmd: ', `linux ${GOOD}`);
    b.grubString('grub_cmd: ', GOOD);
    const { bytes, pcrs } = b.finish();
    const forged = forge(bytes, (e, t) => (t === `grub_cmd: ${GOOD}\0` ? { data: relabel('kernel_cmdline:', GOOD) } : undefined));
    expect(bootChain(verifiedForgery(forged, pcrs)).kernelCmdline).toBe(GOOD);
  });
});
