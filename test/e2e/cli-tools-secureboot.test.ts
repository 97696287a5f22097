/**
 * `tl secureboot verify|sign|db show|db export` (issue 5's CLI face), in-process, on Debian's
 * real signed shim, grub, kernel and modules and ovmf's Microsoft variable store (cached
 * downloads, src/uefi/test-support/fixtures.ts), with pesign, sbverify, modinfo and efitools as peers.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinKeys } from '../../src/uefi/index.js';
import { debianBoot, debianKernel, opensslSigner, run, vmlinuxOf, type DebianFixtures, type KernelFixtures } from '../../src/uefi/test-support/fixtures.js';
import { kernelBuiltinCertificates } from '../../src/cli/local/kernel-keys.js';
import { cliEnv, tl } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'tl-cli-secureboot-'));
const env = cliEnv({ dataDir: work });
let f: DebianFixtures;
let k: KernelFixtures;
const at = (name: string) => join(work, name);
const pesignDigest = (file: string) => /hash: ([0-9a-f]{64})/.exec(run('pesign', ['-h', '-d', 'sha256', '-i', file]).stdout)![1]!;

/** A module without its appended signature (struct module_signature: sig_len is the big-endian u32 before the magic). */
function unsignedModule(signed: Buffer): Buffer {
  const magic = Buffer.from('~Module signature appended~\n');
  expect(signed.subarray(signed.length - magic.length).equals(magic)).toBe(true);
  const sigLen = signed.readUInt32BE(signed.length - magic.length - 4);
  return signed.subarray(0, signed.length - magic.length - 12 - sigLen);
}

beforeAll(() => {
  f = debianBoot();
  k = debianKernel();
}, 300_000);

describe('tl secureboot verify', () => {
  it("against OVMF's Microsoft db: shim allowed, grub and the kernel refused (exit 1), digests as pesign computes them", async () => {
    const r = await tl(env, ['secureboot', 'verify', '-f', f.shimSigned, f.grubSigned, k.vmlinuz, '--vars', f.ovmfMsVars]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('shimx64.efi.signed: ALLOWED — signed by Microsoft Windows UEFI Driver Publisher, which chains to Microsoft Corporation UEFI CA 2011 in db');
    expect(r.stdout).toContain('grubx64.efi.signed: REFUSED — signed by Debian Secure Boot Signer 2022 - grub2, which chains to no certificate in db');
    expect(r.stdout).toMatch(new RegExp(`vmlinuz-${k.abi}: REFUSED — signed by Debian Secure Boot Signer 2022 - linux`));
    expect(r.stdout).toMatch(/^ {2}authority: db Microsoft Corporation UEFI CA 2011 \(sha256 [0-9a-f]{64}\)$/m);
    for (const file of [f.shimSigned, f.grubSigned, k.vmlinuz]) expect(r.stdout).toContain(`  digest:    sha256 ${pesignDigest(file)}`);
    expect(r.stderr).toBe(`ERROR: Secure Boot would refuse 2 of 3 files: grubx64.efi.signed, vmlinuz-${k.abi}\n`);
  });

  it("grub and the kernel pass against the Debian CA as sbverify --cert says; -o json gives the verdicts as data", async () => {
    const pem = at('debian-ca.pem');
    expect(run('openssl', ['x509', '-inform', 'der', '-in', f.debianCa, '-out', pem]).status).toBe(0);
    const r = await tl(env, ['secureboot', 'verify', '-f', f.grubSigned, k.vmlinuz, '--db', pem, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.allowed).toBe(true);
    expect(r.json.files.map((v: { authority: { subject: string } }) => v.authority.subject)).toEqual(['Debian Secure Boot CA', 'Debian Secure Boot CA']);
    expect(r.json.files[0].digest).toBe(pesignDigest(f.grubSigned));
    for (const file of [f.grubSigned, k.vmlinuz]) expect(run('sbverify', ['--cert', pem, file]).status).toBe(0);
    const table = await tl(env, ['secureboot', 'verify', '-f', f.grubSigned, '--db', pem, '-o', 'table']);
    expect(table.stdout.split('\n')[0]).toMatch(/^File +Allowed +Signer +Authority +Reason$/);
    expect(table.stdout).toMatch(/^grubx64\.efi\.signed +True +Debian Secure Boot Signer 2022 - grub2 +db Debian Secure Boot CA +signed by /m);
  });

  it('a one-byte change is refused with the reason, as sbverify refuses it; the wrong CA is refused by both', async () => {
    const pem = at('debian-ca.pem');
    const grub = Buffer.from(readFileSync(f.grubSigned));
    grub[0x1000]! ^= 0x01;
    writeFileSync(at('grub-modified.efi'), grub);
    const r = await tl(env, ['secureboot', 'verify', '-f', at('grub-modified.efi'), '--db', pem]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^grub-modified\.efi: REFUSED — .*does not match the signed digest .*\(the image was modified after signing\)/m);
    expect(run('sbverify', ['--cert', pem, at('grub-modified.efi')]).status).not.toBe(0);
    // The Microsoft UEFI CA, exported from the store by the CLI itself, does not vouch for grub.
    const ms = await tl(env, ['secureboot', 'db', 'export', '--vars', f.ovmfMsVars, '--format', 'pem', '--output-file', at('ms-db.pem')]);
    expect(ms.code, ms.stderr).toBe(0);
    const wrong = await tl(env, ['secureboot', 'verify', '-f', f.grubSigned, '--db', at('ms-db.pem')]);
    expect(wrong.code).toBe(1);
    expect(run('sbverify', ['--cert', at('ms-db.pem'), f.grubSigned]).status).not.toBe(0);
  });

  it("kernel modules pass against the kernel's built-in key (read out of its XZ payload) and fail without it", async () => {
    const ok = await tl(env, ['secureboot', 'verify', '-f', ...k.modules, '--kernel', k.vmlinuz, '-o', 'json']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    for (const [i, m] of k.modules.entries()) {
      expect(ok.json.files[i]).toMatchObject({ kind: 'module', component: basename(m), allowed: true });
      expect(ok.json.files[i].signer).toBe(run('modinfo', ['-F', 'signer', m]).stdout.trim());
    }
    const no = await tl(env, ['secureboot', 'verify', '-f', k.modules[0]!, '--vars', f.ovmfMsVars]);
    expect(no.code).toBe(1);
    expect(no.stdout).toMatch(/^hv_vmbus\.ko: REFUSED/m);
  });

  it('the built-in keys equal those of the fixtures’ own decompression; a gzip payload works too', async () => {
    const certs = await kernelBuiltinCertificates(new Uint8Array(readFileSync(k.vmlinuz)));
    const expected = builtinKeys(vmlinuxOf(k.vmlinuz)).certs.map((c) => Buffer.from(c.cert.der).toString('hex'));
    expect(certs.length).toBeGreaterThan(0);
    expect(certs.map((c) => Buffer.from(c).toString('hex'))).toEqual(expected);
    const s = opensslSigner(work, 'gzip kernel key');
    const der = readFileSync(s.der);
    const fakeKernel = Buffer.concat([Buffer.alloc(4096, 0x90), gzipSync(Buffer.concat([Buffer.alloc(2 << 20, 0xcc), der, Buffer.alloc(64)])), Buffer.alloc(512)]);
    expect((await kernelBuiltinCertificates(new Uint8Array(fakeKernel))).map((c) => Buffer.from(c).toString('hex'))).toEqual([der.toString('hex')]);
    expect(await kernelBuiltinCertificates(new Uint8Array(4096))).toEqual([]);
  });

  it('reports bad trust inputs and unreadable files as user errors', async () => {
    writeFileSync(at('junk.bin'), Buffer.from([1, 2, 3]));
    const junk = await tl(env, ['secureboot', 'verify', '-f', f.grubSigned, '--db', at('junk.bin')]);
    expect(junk.code).toBe(1);
    expect(junk.stderr).toMatch(/^ERROR: secureboot verify: .*junk\.bin: not a certificate \(DER\/PEM\) nor an EFI_SIGNATURE_LIST/m);
    const missing = await tl(env, ['secureboot', 'verify', '-f', at('missing.efi')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Cannot read '.*missing\.efi': No such file or directory/);
    const vars = await tl(env, ['secureboot', 'verify', '-f', f.grubSigned, '--vars', at('junk.bin')]);
    expect(vars.stderr).toMatch(/junk\.bin: not an OVMF variable store/);
  });
});

describe('tl secureboot sign', () => {
  it('signs an EFI image that sbverify accepts and verify allows against the signer', async () => {
    const s = opensslSigner(work, 'CLI test signer');
    const r = await tl(env, ['secureboot', 'sign', '-f', f.shimUnsigned, '--key', s.key, '--cert', s.pem, '--output-file', at('shim.signed')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ kind: 'pe', signer: 'CLI test signer', outputFile: at('shim.signed') });
    expect(r.json.sha256).toBe(createHash('sha256').update(readFileSync(at('shim.signed'))).digest('hex'));
    expect(run('sbverify', ['--cert', s.pem, at('shim.signed')]).status).toBe(0);
    const v = await tl(env, ['secureboot', 'verify', '-f', at('shim.signed'), '--db', s.der]);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toContain(`digest:    sha256 ${pesignDigest(at('shim.signed'))}`);
  });

  it("signs a kernel module (default output FILE.signed) whose signer modinfo reads and verify accepts with --module-keys", async () => {
    const s = opensslSigner(work, 'CLI module key');
    writeFileSync(at('crc7.ko'), unsignedModule(readFileSync(k.modules.find((m) => m.endsWith('crc7.ko'))!)));
    const unsigned = await tl(env, ['secureboot', 'verify', '-f', at('crc7.ko'), '--module-keys', s.pem]);
    expect(unsigned.stdout).toMatch(/^crc7\.ko: REFUSED — no signature/m);
    const r = await tl(env, ['secureboot', 'sign', '-f', at('crc7.ko'), '--key', s.key, '--cert', s.der]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ kind: 'module', outputFile: at('crc7.ko.signed') });
    // modinfo reads only files named *.ko
    writeFileSync(at('crc7-signed.ko'), readFileSync(at('crc7.ko.signed')));
    expect(run('modinfo', ['-F', 'signer', at('crc7-signed.ko')]).stdout.trim()).toBe('CLI module key');
    const v = await tl(env, ['secureboot', 'verify', '-f', at('crc7.ko.signed'), '--module-keys', s.pem]);
    expect(v.code, v.stdout).toBe(0);
  });

  it('refuses a key that does not load', async () => {
    writeFileSync(at('bad.key'), 'not a key');
    const r = await tl(env, ['secureboot', 'sign', '-f', f.shimUnsigned, '--key', at('bad.key'), '--cert', f.debianCa]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot load the private key/);
  });
});

describe('tl secureboot db show|export', () => {
  it("shows OVMF's db (text, table, JSON) and exports ESLs whose certificates sig-list-to-certs extracts with the same fingerprints", async () => {
    const text = await tl(env, ['secureboot', 'db', 'show', '--vars', f.ovmfMsVars]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^db: 2 entries$/m);
    expect(text.stdout).toMatch(/^ {2}X509 +Microsoft Corporation UEFI CA 2011 {2}sha256:[0-9a-f]{64} {2}owner MICROSOFT_SIGNATURE_OWNER_GUID$/m);
    const table = await tl(env, ['secureboot', 'db', 'show', '--vars', f.ovmfMsVars, '--var', 'KEK', '-o', 'table']);
    expect(table.stdout.split('\n')[0]).toMatch(/^Type +Value +Owner +NotAfter$/);
    expect(table.stdout).toContain('Microsoft Corporation KEK CA 2011');
    const rows = (await tl(env, ['secureboot', 'db', 'show', '--vars', f.ovmfMsVars, '-o', 'json'])).json as { sha256: string }[];
    const esl = await tl(env, ['secureboot', 'db', 'export', '--vars', f.ovmfMsVars, '--output-file', at('db.esl')]);
    expect(esl.json).toMatchObject({ format: 'esl', entries: 2 });
    const out = mkdtempSync(join(work, 'certs-'));
    expect(run('sig-list-to-certs', [at('db.esl'), join(out, 'c')]).status).toBe(0);
    const extracted = readdirSync(out).filter((n) => n.endsWith('.der')).map((n) => createHash('sha256').update(readFileSync(join(out, n))).digest('hex'));
    expect(extracted.sort()).toEqual(rows.map((r) => r.sha256).sort());
    // The exported file reads back as the same database.
    const again = await tl(env, ['secureboot', 'db', 'show', '-f', at('db.esl'), '-o', 'json']);
    expect(again.json).toEqual(rows);
    const dbx = await tl(env, ['secureboot', 'db', 'show', '--vars', f.ovmfMsVars, '--var', 'dbx']);
    expect(dbx.stdout).toContain('SHA256        e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('needs a source, and a file for binary ESL output', async () => {
    const none = await tl(env, ['secureboot', 'db', 'show']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage error: --vars OVMF_VARS [--var NAME] | --file FILE [FILE ...]');
    const esl = await tl(env, ['secureboot', 'db', 'export', '--vars', f.ovmfMsVars]);
    expect(esl.code).toBe(1);
    expect(esl.stderr).toMatch(/give --output-file, or use --format pem/);
    const pem = await tl(env, ['secureboot', 'db', 'export', '--vars', f.ovmfMsVars, '--format', 'pem']);
    expect(pem.stdout.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
  });
});
