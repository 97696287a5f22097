/**
 * Real signed Debian binaries (shim-signed, grub-efi-amd64-signed, the current signed kernel)
 * against the db read from ovmf's OVMF_VARS_4M.ms.fd and shim's embedded Debian CA, with
 * `pesign -h` and `sbverify` as peers.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { debianBoot, debianKernel, run, type DebianFixtures, type KernelFixtures } from '../test-support/fixtures.js';
import { readOvmfVars, type SecureBootVariables } from '../sigdb/secure-boot-variables.js';
import { readShim, VENDOR_CERT_DB, VENDOR_DBX_DB } from '../shim/vendor-cert.js';
import { databaseFromCertificates, emptyDatabase } from '../sigdb/database.js';
import { firmwarePolicy, verifyImage } from './verify-image.js';
import { authenticodeDigest } from '../pe/authenticode-digest.js';
import { parsePeFile } from '../pe/pe-file.js';
import { parseCertificateTable } from '../pe/win-certificate.js';
import { toHex } from '../../core/bytes.js';
import { EFI_IMAGE_SECURITY_DATABASE_GUID, encodeGuid, parseSignatureLists } from '../../core/efi/index.js';
import { findVariable, parseVariableStore } from '../sigdb/variable-store.js';
import { authorityEntry } from './authority-entry.js';

let f: DebianFixtures;
let k: KernelFixtures;
let vars: SecureBootVariables;
let shim: Uint8Array, grub: Uint8Array, kernel: Uint8Array;

beforeAll(() => {
  f = debianBoot();
  k = debianKernel();
  vars = readOvmfVars(new Uint8Array(readFileSync(f.ovmfMsVars)));
  shim = new Uint8Array(readFileSync(f.shimSigned));
  grub = new Uint8Array(readFileSync(f.grubSigned));
  kernel = new Uint8Array(readFileSync(k.vmlinuz));
}, 180_000);

const pesignDigest = (path: string): string => {
  const r = run('pesign', ['-h', '-i', path]);
  const m = r.stdout.match(/^hash: ([0-9a-f]{64})\s*$/m);
  if (!m) throw new Error(`pesign -h gave no digest: ${r.stdout} ${r.stderr}`);
  return m[1]!;
};

describe('Authenticode digest equals pesign -h', () => {
  it.each(['shimSigned', 'shimUnsigned', 'grubSigned', 'mmSigned', 'fbSigned'] as const)('%s', (name) => {
    const path = f[name];
    expect(toHex(authenticodeDigest(parsePeFile(new Uint8Array(readFileSync(path)))))).toBe(pesignDigest(path));
  });
  it('the signed kernel', () => {
    expect(toHex(authenticodeDigest(parsePeFile(kernel)))).toBe(pesignDigest(k.vmlinuz));
  });
});

describe('firmware db from OVMF_VARS_4M.ms.fd', () => {
  it('holds the Microsoft UEFI CA 2011 and Windows PCA 2011, and a placeholder dbx', () => {
    expect(vars.db.certs.map((c) => c.cert.subject.rdns.flat().find((a) => a.oid === '2.5.4.3')?.value).sort()).toEqual([
      'Microsoft Corporation UEFI CA 2011',
      'Microsoft Windows Production PCA 2011',
    ]);
    expect(vars.dbx.hashes.map((h) => toHex(h.digest))).toEqual(['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']);
    expect(vars.KEK.certs.length).toBe(2);
    expect(vars.PK.certs.length).toBe(1);
  });

  it('allows the Microsoft-signed shim', () => {
    const v = verifyImage(shim, firmwarePolicy(vars.db, vars.dbx), { component: 'shim' });
    expect(v.allowed).toBe(true);
    expect(v.signer).toBe('Microsoft Windows UEFI Driver Publisher');
    expect(v.authority).toMatchObject({ database: 'db', kind: 'certificate', subject: 'Microsoft Corporation UEFI CA 2011' });
    expect(v.signatures.length).toBe(2);
    expect(v.signatures.map((s) => s.signer)).toEqual(['Microsoft Windows UEFI Driver Publisher', 'Microsoft UEFI CA 2023 signer']);
    expect(v.signatures[1]!.trustedBy).toBeUndefined(); // UEFI CA 2023 is not in this db
    expect(v.reason).toBe('signed by Microsoft Windows UEFI Driver Publisher, which chains to Microsoft Corporation UEFI CA 2011 in db');
    // The EFI_SIGNATURE_DATA firmware measures as EV_EFI_VARIABLE_AUTHORITY: the db entry, owner first.
    const entry = authorityEntry(v.authority!, [vars.db]);
    const dbEntry = parseSignatureLists(findVariable(parseVariableStore(new Uint8Array(readFileSync(f.ovmfMsVars))), 'db', EFI_IMAGE_SECURITY_DATABASE_GUID)!.data)
      .flatMap((l) => l.Signatures)
      .find((s) => Buffer.from(s.SignatureData).equals(Buffer.from(entry!.data)))!;
    expect(Buffer.from(entry!.signatureData).equals(Buffer.concat([encodeGuid(dbEntry.SignatureOwner), dbEntry.SignatureData]))).toBe(true);
    expect(entry!.owner).toBe('77fa9abd-0359-4d32-bd60-28f4e78f784b');
  });

  it('refuses shim with one byte changed in .text, saying so once for both signatures', () => {
    const pe = parsePeFile(shim);
    const text = pe.sections.find((s) => s.name === '.text')!;
    const b = shim.slice();
    b[text.pointerToRawData + 100] = b[text.pointerToRawData + 100]! ^ 0x40;
    const v = verifyImage(b, firmwarePolicy(vars.db, vars.dbx), { component: 'shim' });
    expect(v.allowed).toBe(false);
    expect(v.reason).toMatch(/^image SHA256 digest [0-9a-f]{64} does not match the signed digest 80a66d53a945d228[0-9a-f]{48} \(the image was modified after signing\)$/);
    expect(v.signatures.map((s) => s.intact)).toEqual([false, false]);
  });

  it('refuses grub and the kernel against the Microsoft db alone', () => {
    for (const [name, bytes] of [['grub', grub], ['kernel', kernel]] as const) {
      const v = verifyImage(bytes, firmwarePolicy(vars.db, vars.dbx), { component: name });
      expect(v.allowed).toBe(false);
      expect(v.reason).toMatch(/^signed by Debian Secure Boot Signer 2022 - (grub2|linux), which chains to no certificate in db$/);
    }
  });
});

describe("shim's embedded Debian CA", () => {
  it('is byte-identical to debian-uefi-ca.der, and the vendor dbx holds 114 SHA-256 entries', () => {
    const s = readShim(shim);
    expect(Buffer.from(s.authorized).equals(readFileSync(f.debianCa))).toBe(true);
    expect(s.vendorDbx.hashes.length).toBe(114);
    expect(s.sbatLevels?.previous.entries).toContainEqual({ component: 'grub', generation: 5 });
  });

  it('allows grub and the kernel', () => {
    const s = readShim(shim);
    for (const [name, bytes, cn] of [['grub', grub, 'Debian Secure Boot Signer 2022 - grub2'], ['kernel', kernel, 'Debian Secure Boot Signer 2022 - linux']] as const) {
      const v = verifyImage(bytes, { allow: [vars.db, s.vendorDb], deny: [vars.dbx, s.vendorDbx] }, { component: name });
      expect(v, v.reason).toMatchObject({ allowed: true, signer: cn, authority: { database: VENDOR_CERT_DB, subject: 'Debian Secure Boot CA' } });
    }
    expect(VENDOR_DBX_DB).toBe('shim vendor dbx');
  });

  it('allows MokManager and fallback (Debian-signed, WIN_CERTIFICATE dwLength not 8-aligned)', () => {
    const s = readShim(shim);
    for (const path of [f.mmSigned, f.fbSigned]) {
      const bytes = new Uint8Array(readFileSync(path));
      const entries = parseCertificateTable(parsePeFile(bytes));
      expect(entries.length).toBe(1);
      expect(entries[0]!.dwLength % 8).not.toBe(0);
      const v = verifyImage(bytes, { allow: [vars.db, s.vendorDb], deny: [vars.dbx, s.vendorDbx] });
      expect(v).toMatchObject({ allowed: true, signer: 'Debian Secure Boot Signer 2022 - shim' });
    }
  });

  it('does not let the Debian CA allow shim (signed by Microsoft only)', () => {
    const v = verifyImage(shim, { allow: [databaseFromCertificates('db', [new Uint8Array(readFileSync(f.debianCa))])], deny: [emptyDatabase('dbx')] });
    expect(v.allowed).toBe(false);
    expect(v.reason).toBe('signed by Microsoft Windows UEFI Driver Publisher and Microsoft UEFI CA 2023 signer, which chains to no certificate in db');
  });
});
