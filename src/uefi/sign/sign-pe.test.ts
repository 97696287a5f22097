/**
 * Our Authenticode signer and PE builder against the peers: images we build are accepted by
 * `pesign -h` (same digest) and images we sign pass `sbverify --cert`; shim-unsigned signed by
 * us has the digest Microsoft signed (the 8-byte padding rule).
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeName, ext, issueCertificate, keyIdentifier, OID, parseCertificate, toPem } from '../../core/asn1/index.js';
import { toHex } from '../../core/bytes.js';
import { EFI_CERT_SHA256_GUID } from '../../core/efi/index.js';
import { debianBoot, opensslSigner, run } from '../test-support/fixtures.js';
import { authenticodeDigest } from '../pe/authenticode-digest.js';
import { parsePeFile } from '../pe/pe-file.js';
import { parseCertificateTable } from '../pe/win-certificate.js';
import { readShim } from '../shim/vendor-cert.js';
import { databaseFromCertificates, emptyDatabase } from '../sigdb/database.js';
import { firmwarePolicy, verifyImage } from '../verify/verify-image.js';
import { buildNodeImage, buildShimLikeImage } from './pe-builder.js';
import { peChecksum, signPeImage } from './sign-pe.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-signpe-'));
const pesignHash = (path: string) => run('pesign', ['-h', '-i', path]).stdout.match(/^hash: ([0-9a-f]{64})/m)?.[1];
const write = (name: string, b: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, b);
  return p;
};

/** A CA and a leaf issued by it, made with our own X.509 issuer (as the platform will). */
function makeCa(cn: string) {
  const ca = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = new Date('2025-01-01T00:00:00Z');
  const later = new Date('2045-01-01T00:00:00Z');
  const caDer = issueCertificate(
    { serialNumber: 1n, issuer: encodeName([['CN', cn]]), subject: encodeName([['CN', cn]]), notBefore: now, notAfter: later, publicKey: ca.publicKey,
      extensions: [ext.basicConstraints(true), ext.keyUsage(['keyCertSign', 'digitalSignature']), ext.subjectKeyIdentifier(keyIdentifier(ca.publicKey))] },
    ca.privateKey,
  );
  const leaf = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const leafDer = issueCertificate(
    { serialNumber: 2n, issuer: encodeName([['CN', cn]]), subject: encodeName([['CN', `${cn} signer`]]), notBefore: now, notAfter: later, publicKey: leaf.publicKey,
      extensions: [ext.basicConstraints(false), ext.keyUsage(['digitalSignature']), ext.extKeyUsage([OID.codeSigning])] },
    ca.privateKey,
  );
  return { caDer, caKey: ca.privateKey, leafDer, leafKey: leaf.privateKey };
}

describe('PE builder and Authenticode signer', () => {
  let ca: ReturnType<typeof makeCa>;
  beforeAll(() => {
    ca = makeCa('Trusted Launch Test Node CA');
  });

  it('builds a shim-like image that pesign hashes as we do, with .vendor_cert reached through the string table', () => {
    const img = buildShimLikeImage({
      vendorCert: ca.caDer,
      vendorDbx: [{ SignatureType: EFI_CERT_SHA256_GUID, Signatures: [{ SignatureOwner: '00000000-0000-0000-0000-000000000000', SignatureData: new Uint8Array(32).fill(7) }] }],
      sbat: [{ component: 'sbat', generation: 1, vendor: 'SBAT Version', packageName: 'sbat', version: '1', url: 'https://github.com/rhboot/shim/blob/main/SBAT.md' }, { component: 'shim', generation: 4, vendor: 'UEFI shim', packageName: 'shim', version: '1', url: 'https://github.com/rhboot/shim' }],
    });
    const pe = parsePeFile(img);
    expect(pe.sections.map((s) => s.name)).toEqual(['.text', '.data', '.sbat', '.vendor_cert']);
    const raw = img.subarray(pe.sections[3]!.headerOffset, pe.sections[3]!.headerOffset + 8);
    expect(new TextDecoder().decode(raw).replace(/\0+$/, '')).toBe('/4');
    const path = write('shim-like.efi', img);
    expect(pesignHash(path)).toBe(toHex(authenticodeDigest(pe)));
    const shim = readShim(img);
    expect(Buffer.from(shim.authorized).equals(Buffer.from(ca.caDer))).toBe(true);
    expect(shim.vendorDbx.hashes.length).toBe(1);
  });

  it('signs images that sbverify --cert accepts and that our verifier allows through the CA', () => {
    const img = buildNodeImage({ payload: new TextEncoder().encode('console=ttyS0 root=/dev/sda1'), sbat: [{ component: 'grub', generation: 4 }] });
    const signed = signPeImage(img, { key: ca.leafKey, cert: ca.leafDer });
    const path = write('grub-like.efi.signed', signed);
    const caPem = write('ca.pem', new TextEncoder().encode(toPem(ca.caDer, 'CERTIFICATE')));
    const r = run('sbverify', ['--cert', caPem, path]);
    expect(r.stdout + r.stderr).toMatch(/Signature verification OK/);
    expect(r.status).toBe(0);
    expect(pesignHash(path)).toBe(toHex(authenticodeDigest(parsePeFile(signed))));
    const pe = parsePeFile(signed);
    expect(pe.checkSum).toBe(peChecksum(signed, pe.checkSumOffset));
    const v = verifyImage(signed, firmwarePolicy(databaseFromCertificates('db', [ca.caDer]), emptyDatabase('dbx')));
    expect(v).toMatchObject({ allowed: true, signer: 'Trusted Launch Test Node CA signer', authority: { subject: 'Trusted Launch Test Node CA' } });
    // A different CA's certificate does not verify it (sbverify refuses leaf-only chains correctly).
    const other = makeCa('Another CA');
    const otherPem = write('other.pem', new TextEncoder().encode(toPem(other.caDer, 'CERTIFICATE')));
    expect(run('sbverify', ['--cert', otherPem, path]).status).not.toBe(0);
    expect(verifyImage(signed, firmwarePolicy(databaseFromCertificates('db', [other.caDer]), emptyDatabase('dbx'))).allowed).toBe(false);
  });

  it('appends a second signature (as shim carries two) and both are checked', () => {
    const img = buildNodeImage({});
    const a = makeCa('CA A');
    const b = makeCa('CA B');
    const once = signPeImage(img, { key: a.leafKey, cert: a.leafDer });
    const twice = signPeImage(once, { key: b.leafKey, cert: b.leafDer }, { append: true });
    expect(parseCertificateTable(parsePeFile(twice)).length).toBe(2);
    expect(toHex(authenticodeDigest(parsePeFile(twice)))).toBe(toHex(authenticodeDigest(parsePeFile(once))));
    const v = verifyImage(twice, firmwarePolicy(databaseFromCertificates('db', [b.caDer]), emptyDatabase('dbx')));
    expect(v).toMatchObject({ allowed: true, signer: 'CA B signer' });
    expect(v.signatures.map((s) => s.intact)).toEqual([true, true]);
  });

  it('signs with an openssl-made key and certificate, and sbverify accepts the self-signed signer', () => {
    const s = opensslSigner(dir, 'TL openssl signer');
    const signed = signPeImage(buildNodeImage({}), { key: createPrivateKey(readFileSync(s.key)), cert: new Uint8Array(readFileSync(s.der)) });
    const path = write('openssl-signed.efi', signed);
    expect(run('sbverify', ['--cert', s.pem, path]).status).toBe(0);
    expect(verifyImage(signed, firmwarePolicy(databaseFromCertificates('db', [parseCertificate(new Uint8Array(readFileSync(s.der)))]), emptyDatabase('dbx'))).allowed).toBe(true);
  });

  it('reproduces the digest Microsoft signed when signing shim-unsigned (8-byte padding)', () => {
    const f = debianBoot();
    const unsigned = new Uint8Array(readFileSync(f.shimUnsigned));
    const signedByUs = signPeImage(unsigned, { key: ca.leafKey, cert: ca.leafDer });
    const microsoft = new Uint8Array(readFileSync(f.shimSigned));
    expect(toHex(authenticodeDigest(parsePeFile(signedByUs)))).toBe(toHex(authenticodeDigest(parsePeFile(microsoft))));
    expect(toHex(authenticodeDigest(parsePeFile(unsigned)))).not.toBe(toHex(authenticodeDigest(parsePeFile(microsoft))));
  });
});
