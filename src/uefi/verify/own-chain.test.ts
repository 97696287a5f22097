/**
 * The platform's own node images: a complete chain built and signed here, accepted by sbverify
 * and pesign and by our boot-chain verifier; plus the variants real signed binaries cannot give
 * us: PE32, SHA-384 and SHA-1 Authenticode (osslsigncode as peer), MokList trust, certificate
 * revocation by TBS hash.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate, toPem } from '../../core/asn1/index.js';
import { toHex } from '../../core/bytes.js';
import { EFI_CERT_SHA256_GUID, EFI_CERT_X509_SHA256_GUID, encodeSignatureList } from '../../core/efi/index.js';
import { run } from '../test-support/fixtures.js';
import { authenticodeDigest } from '../pe/authenticode-digest.js';
import { parsePeFile, PE32_MAGIC } from '../pe/pe-file.js';
import { sbatLevel } from '../shim/sbat.js';
import { buildNodeBootChain, createPlatformPki, type NodeBootChain, type PlatformPki } from '../sign/node-boot-chain.js';
import { buildNodeImage, buildPeImage, buildShimLikeImage } from '../sign/pe-builder.js';
import { signPeImage } from '../sign/sign-pe.js';
import { databaseFromCertificates, databaseFromSignatureLists, emptyDatabase } from '../sigdb/database.js';
import { verifyBootChain } from './boot-chain.js';
import { formatBootChain } from './format.js';
import { firmwarePolicy, verifyImage } from './verify-image.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-ownchain-'));
let pki: PlatformPki;
let chain: NodeBootChain;
const pem = (name: string, der: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, toPem(der, 'CERTIFICATE'));
  return p;
};
const file = (name: string, b: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, b);
  return p;
};

beforeAll(() => {
  pki = createPlatformPki();
  chain = buildNodeBootChain(pki);
}, 60_000);

describe("the platform's node images", () => {
  it('boot through db → shim → vendor CA → grub → kernel → modules', () => {
    const v = verifyBootChain({ trust: { db: chain.db, dbx: emptyDatabase('dbx') }, ...chain });
    expect(v.allowed, formatBootChain(v)).toBe(true);
    expect(v.stages.map((s) => s.authority?.subject)).toEqual([
      'Trusted Launch UEFI CA',
      'Trusted Launch Secure Boot CA',
      'Trusted Launch Secure Boot CA',
      'Trusted Launch kernel module signing key',
      'Trusted Launch kernel module signing key',
      'Trusted Launch kernel module signing key',
    ]);
  });

  it('are accepted by sbverify --cert and hashed alike by pesign -h', () => {
    const uefiCa = pem('uefi-ca.pem', pki.uefiCa.cert);
    const vendorCa = pem('vendor-ca.pem', pki.vendorCa.cert);
    for (const [name, bytes, ca] of [['shim.efi', chain.shim, uefiCa], ['grub.efi', chain.bootloader, vendorCa], ['vmlinuz', chain.kernel, vendorCa]] as const) {
      const p = file(name, bytes);
      expect(run('sbverify', ['--cert', ca, p]).status, name).toBe(0);
      expect(run('pesign', ['-h', '-i', p]).stdout).toContain(`hash: ${toHex(authenticodeDigest(parsePeFile(bytes)))}`);
    }
    expect(run('sbverify', ['--cert', uefiCa, join(dir, 'grub.efi')]).status).not.toBe(0);
  });

  it('refuse grub when SbatLevel is raised above its generation', () => {
    const v = verifyBootChain({ trust: { db: chain.db, dbx: emptyDatabase('dbx'), SbatLevel: sbatLevel('2030010100', { grub: 5 }) }, ...chain });
    expect(v.reason).toBe('grubx64.efi: SBAT generation grub,4 is revoked by SbatLevel grub,5');
    expect(verifyBootChain({ trust: { db: chain.db, dbx: emptyDatabase('dbx') }, ...chain }, undefined).allowed).toBe(true);
    expect(verifyBootChain({ trust: { db: chain.db, dbx: emptyDatabase('dbx') }, ...chain, sbatPolicy: 'latest' }).allowed).toBe(true);
  });

  it("refuse grub whose digest is in shim's vendor dbx", () => {
    const digest = authenticodeDigest(parsePeFile(chain.bootloader));
    const shim = signPeImage(
      buildShimLikeImage({ vendorCert: pki.vendorCa.cert, vendorDbx: [{ SignatureType: EFI_CERT_SHA256_GUID, Signatures: [{ SignatureOwner: '00000000-0000-0000-0000-000000000000', SignatureData: digest }] }], sbat: [{ component: 'shim', generation: 4 }] }),
      pki.uefiSigner,
    );
    const v = verifyBootChain({ trust: { db: chain.db, dbx: emptyDatabase('dbx') }, ...chain, shim });
    expect(v.reason).toBe('grubx64.efi: image SHA-256 digest is in shim vendor dbx');
  });

  it('trust a kernel signed by a MOK key only when MokList holds it', () => {
    const mok = createPlatformPki('Machine Owner');
    const kernel = signPeImage(buildNodeImage({ payload: new TextEncoder().encode('custom kernel') }), mok.vendorSigner);
    const base = { trust: { db: chain.db, dbx: emptyDatabase('dbx') }, ...chain, kernel };
    expect(verifyBootChain(base).reason).toBe('vmlinuz: signed by Machine Owner Secure Boot Signer, which chains to no certificate in db, MokList or shim vendor certificate');
    const v = verifyBootChain({ ...base, trust: { ...base.trust, MokList: databaseFromCertificates('MokList', [mok.vendorCa.cert]) } });
    expect(v.allowed).toBe(true);
    expect(v.stages[2]!.authority).toMatchObject({ database: 'MokList', subject: 'Machine Owner Secure Boot CA' });
  });

  it('refuse shim when dbx revokes its signer certificate by TBS hash (EFI_CERT_X509_SHA256)', () => {
    const tbsHash = createHash('sha256').update(parseCertificate(pki.uefiSigner.cert).tbs).digest();
    const esl = encodeSignatureList({ SignatureType: EFI_CERT_X509_SHA256_GUID, Signatures: [{ SignatureOwner: '00000000-0000-0000-0000-000000000000', SignatureData: Buffer.concat([tbsHash, Buffer.alloc(16)]) }] });
    const v = verifyBootChain({ trust: { db: chain.db, dbx: databaseFromSignatureLists('dbx', esl) }, ...chain });
    expect(v.reason).toBe('shimx64.efi: signed by Trusted Launch UEFI Signer, but certificate Trusted Launch UEFI Signer is revoked by its hash in dbx');
  });
});

describe('Authenticode variants', () => {
  it('PE32 images: pesign -h agrees with our digest and sbverify accepts our signature', () => {
    const img = buildPeImage({ pe32: true, sections: [{ name: '.text', data: Uint8Array.of(0x31, 0xc0, 0xc3) }, { name: '.data', data: new Uint8Array(100).fill(9) }] });
    const pe = parsePeFile(img);
    expect(pe.magic).toBe(PE32_MAGIC);
    expect(pe.securityDirectoryOffset).toBe(pe.optionalHeaderOffset + 128);
    const signed = signPeImage(img, pki.vendorSigner);
    const p = file('ia32.efi', signed);
    expect(run('pesign', ['-h', '-i', p]).stdout).toContain(`hash: ${toHex(authenticodeDigest(parsePeFile(signed)))}`);
    expect(run('sbverify', ['--cert', pem('vendor-ca.pem', pki.vendorCa.cert), p]).status).toBe(0);
    expect(verifyImage(signed, firmwarePolicy(databaseFromCertificates('db', [pki.vendorCa.cert]), emptyDatabase('dbx'))).allowed).toBe(true);
  });

  it.each(['sha384', 'sha1'] as const)('%s signatures made by osslsigncode verify, with the digest it reports', (alg) => {
    const unsigned = file(`unsigned-${alg}.efi`, buildNodeImage({ payload: new TextEncoder().encode(alg) }));
    const keyPath = join(dir, 'signer.key');
    writeFileSync(keyPath, pki.vendorSigner.key.export({ format: 'pem', type: 'pkcs8' }));
    const certPath = pem('signer.pem', pki.vendorSigner.cert);
    const out = join(dir, `signed-${alg}.efi`);
    const r = run('osslsigncode', ['sign', '-h', alg, '-certs', certPath, '-key', keyPath, '-in', unsigned, '-out', out]);
    expect(r.status, r.stderr).toBe(0);
    const signed = new Uint8Array(readFileSync(out));
    const v = verifyImage(signed, firmwarePolicy(databaseFromCertificates('db', [pki.vendorCa.cert]), emptyDatabase('dbx')));
    expect(v, v.reason).toMatchObject({ allowed: true, signatures: [{ digestAlgorithm: alg }] });
    const report = run('osslsigncode', ['verify', '-in', out, '-CAfile', pem('vendor-ca.pem', pki.vendorCa.cert)]).stdout;
    expect(report.toLowerCase()).toContain(toHex(authenticodeDigest(parsePeFile(signed), alg)));
    // Our own signer produces the same algorithm's signature.
    const ours = signPeImage(buildNodeImage({}), { ...pki.vendorSigner, hash: alg });
    expect(verifyImage(ours, firmwarePolicy(databaseFromCertificates('db', [pki.vendorCa.cert]), emptyDatabase('dbx'))).signatures[0]).toMatchObject({ digestAlgorithm: alg, intact: true });
  });
});
