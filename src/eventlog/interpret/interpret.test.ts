import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatGuidRawOrder, encodeGuid, parseSignatureLists, signatureEntries } from '../../core/efi/index.js';
import { TPM_ALG_SHA1, TPM_ALG_SHA256 } from '../../core/hash.js';
import { buildEmulatedBoot } from '../builder/emulated-boot.js';
import { parseEventLog } from '../parse.js';
import { pcrValuesToHex, replay } from '../replay.js';
import { KEYLIME, readBytes, tpm2ToolsFixtures } from '../test-support/corpus.js';
import { sampleBootSpec } from '../test-support/sample-boot.js';
import { verify } from '../verify.js';
import { bootChain, secureBootState } from './index.js';

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
    expect(c.grubCommands).toEqual(spec.grubCommands);
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
