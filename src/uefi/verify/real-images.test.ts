/**
 * Real signed Debian binaries (shim-signed, grub-efi-amd64-signed, the current signed kernel)
 * against the db read from ovmf's OVMF_VARS_4M.ms.fd and shim's embedded Debian CA, with
 * `pesign -h` and `sbverify` as peers; and shim's second signature, through the Microsoft UEFI
 * CA 2023 taken from that signature's own certificate bag.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianBoot, debianKernel, REPO, run, type DebianFixtures, type KernelFixtures } from '../test-support/fixtures.js';
import { TAG, children, commonName, contextTag, encoded, ext, issueCertificate, parseCertificate, readTlv, tlv, toPem, type Certificate } from '../../core/asn1/index.js';
import { parseSignedData } from '../pkcs7/signed-data.js';
import { matchesSigner } from '../pkcs7/verify.js';
import { align8, WIN_CERT_REVISION_2_0, WIN_CERT_TYPE_PKCS_SIGNED_DATA } from '../pe/win-certificate.js';
import { readOvmfVars, type SecureBootVariables } from '../sigdb/secure-boot-variables.js';
import { readShim, VENDOR_CERT_DB, VENDOR_DBX_DB } from '../shim/vendor-cert.js';
import { databaseFromCertificates, emptyDatabase, mergeDatabases } from '../sigdb/database.js';
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

/**
 * shim-signed carries two Microsoft signatures: the Windows UEFI Driver Publisher (under the UEFI
 * CA 2011, in OVMF's db) and the "Microsoft UEFI CA 2023 signer". The CA 2023 certificate is in
 * the second signature's own PKCS#7 bag (cross-signed by Microsoft RSA Devices Root CA 2021, the
 * form firmware db holds it in). Each `it` reads its own inputs; sbverify runs in a directory
 * of its own.
 */
describe("shim's Microsoft UEFI CA 2023 signature", () => {
  interface ShimSignature {
    p7: Uint8Array;
    signer: Certificate;
    bag: Certificate[];
  }
  const cn = (c: Certificate) => commonName(c.subject);
  const signaturesOf = (image: Uint8Array): ShimSignature[] =>
    parseCertificateTable(parsePeFile(image)).map((e) => {
      const p7 = e.bCertificate.subarray(0, readTlv(e.bCertificate, 0).end);
      const sd = parseSignedData(p7);
      const bag = sd.certificates.map((c) => parseCertificate(c));
      return { p7, bag, signer: bag.find((c) => matchesSigner(sd.signerInfos[0]!, c))! };
    });
  /** The same ContentInfo(SignedData) with its certificates [0] replaced by `certs` (signerInfos untouched). */
  const withBag = (p7: Uint8Array, certs: readonly Certificate[]): Uint8Array => {
    const [oid, explicit] = children(readTlv(p7, 0));
    const sd = children(explicit!)[0]!;
    const parts = children(sd).map((t) => (t.tag === contextTag(0, true) ? tlv(contextTag(0, true), ...certs.map((c) => c.der)) : encoded(t)));
    return tlv(TAG.SEQUENCE, encoded(oid!), tlv(contextTag(0, true), tlv(TAG.SEQUENCE, ...parts)));
  };
  /** `image` with its certificate table replaced by one WIN_CERTIFICATE per PKCS#7 (the Authenticode digest excludes the table). */
  const withSignatures = (image: Uint8Array, p7s: readonly Uint8Array[]): Uint8Array => {
    const pe = parsePeFile(image);
    const table = pe.certificateTable!;
    const entries = p7s.map((p7) => {
      const e = new Uint8Array(align8(8 + p7.length));
      const dv = new DataView(e.buffer);
      dv.setUint32(0, 8 + p7.length, true);
      dv.setUint16(4, WIN_CERT_REVISION_2_0, true);
      dv.setUint16(6, WIN_CERT_TYPE_PKCS_SIGNED_DATA, true);
      e.set(p7, 8);
      return e;
    });
    const out = Buffer.concat([image.subarray(0, table.offset), ...entries]);
    out.writeUInt32LE(table.offset, pe.securityDirectoryOffset!);
    out.writeUInt32LE(out.length - table.offset, pe.securityDirectoryOffset! + 4);
    return new Uint8Array(out);
  };
  const ca2023Of = (image: Uint8Array): Certificate => {
    const sig = signaturesOf(image).find((s) => cn(s.signer) === 'Microsoft UEFI CA 2023 signer')!;
    return sig.bag.find((c) => cn(c) === 'Microsoft UEFI CA 2023')!;
  };
  /** Same subject and issuer Name bytes as the real CA 2023, another key. */
  const lookalikeOf = (ca: Certificate): Certificate => {
    const kp = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return parseCertificate(
      issueCertificate(
        { serialNumber: 0x2023n, issuer: ca.issuer.der, subject: ca.subject.der, notBefore: new Date('2023-01-01Z'), notAfter: new Date('2038-01-01Z'), publicKey: kp.publicKey, extensions: [ext.basicConstraints(true), ext.keyUsage(['keyCertSign', 'digitalSignature'])] },
        kp.privateKey,
      ),
    );
  };
  const dbOf = (...certs: Certificate[]) => databaseFromCertificates('db', certs.map((c) => c.der));

  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tl-shim2023-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** sbverify --cert CA.pem IMAGE: true when it prints "Signature verification OK" and exits 0. */
  const sbverify = (name: string, image: Uint8Array, ca: Certificate): boolean => {
    writeFileSync(join(dir, `${name}.efi`), image);
    writeFileSync(join(dir, `${name}.pem`), toPem(ca.der, 'CERTIFICATE'));
    const r = run('sbverify', ['--cert', join(dir, `${name}.pem`), join(dir, `${name}.efi`)]);
    expect(r.stdout, r.stderr).toMatch(r.status === 0 ? /Signature verification OK/ : /Signature verification failed/);
    return r.status === 0;
  };

  it("takes the CA from shim's second signature: the certificate a real firmware db holds", () => {
    const sigs = signaturesOf(shim);
    expect(sigs.map((s) => cn(s.signer))).toEqual(['Microsoft Windows UEFI Driver Publisher', 'Microsoft UEFI CA 2023 signer']);
    expect(sigs.map((s) => s.bag.map(cn))).toEqual([
      ['Microsoft Windows UEFI Driver Publisher', 'Microsoft Corporation UEFI CA 2011'],
      ['Microsoft UEFI CA 2023 signer', 'Microsoft UEFI CA 2023'],
    ]);
    const ca = ca2023Of(shim);
    expect(commonName(ca.issuer)).toBe('Microsoft RSA Devices Root CA 2021');
    // keylime's sample event log (a machine with the 2023 CAs) measured db with this exact DER.
    const log = readFileSync(join(REPO, 'src/eventlog/testdata/keylime/binary_bios_measurements-secureboot'));
    expect(log.indexOf(Buffer.from(ca.der))).toBeGreaterThan(0);
    // And it is not OVMF's: that db has the 2011 CAs only.
    expect(vars.db.certs.some((e) => Buffer.from(e.cert.der).equals(Buffer.from(ca.der)))).toBe(false);
  });

  it('allows shim through the UEFI CA 2023 signature when db holds that CA, naming it; refuses it when db does not', () => {
    const ca = ca2023Of(shim);
    const v = verifyImage(shim, firmwarePolicy(dbOf(ca), emptyDatabase('dbx')), { component: 'shim' });
    expect(v.allowed, v.reason).toBe(true);
    expect(v.signer).toBe('Microsoft UEFI CA 2023 signer');
    expect(v.authority).toEqual({ database: 'db', kind: 'certificate', subject: 'Microsoft UEFI CA 2023', fingerprint: createHash('sha256').update(ca.der).digest('hex'), owner: '00000000-0000-0000-0000-000000000000' });
    expect(v.reason).toBe('signed by Microsoft UEFI CA 2023 signer, which chains to Microsoft UEFI CA 2023 in db');
    expect(v.signatures.map((s) => [s.intact, s.trustedBy?.subject])).toEqual([[true, undefined], [true, 'Microsoft UEFI CA 2023']]);
    expect(v.signatures[1]!.chain).toEqual(['Microsoft UEFI CA 2023 signer']);

    // Both CAs in db (a current Azure/Hyper-V db): both signatures trusted, the first one names the verdict.
    const both = verifyImage(shim, firmwarePolicy(mergeDatabases('db', [vars.db, dbOf(ca)]), vars.dbx));
    expect(both.signatures.map((s) => s.trustedBy?.subject)).toEqual(['Microsoft Corporation UEFI CA 2011', 'Microsoft UEFI CA 2023']);
    expect(both.authority?.subject).toBe('Microsoft Corporation UEFI CA 2011');

    // Without it: an empty db, the Debian CA, and a certificate with the CA 2023's very names and another key.
    for (const db of [emptyDatabase('db'), databaseFromCertificates('db', [new Uint8Array(readFileSync(f.debianCa))]), dbOf(lookalikeOf(ca))]) {
      const r = verifyImage(shim, firmwarePolicy(db, emptyDatabase('dbx')));
      expect(r.allowed).toBe(false);
      expect(r.signatures.map((s) => s.intact)).toEqual([true, true]);
      expect(r.reason).toBe('signed by Microsoft Windows UEFI Driver Publisher and Microsoft UEFI CA 2023 signer, which chains to no certificate in db');
    }
    // In dbx as well as db: revoked.
    const revoked = verifyImage(shim, firmwarePolicy(dbOf(ca), databaseFromCertificates('dbx', [ca.der])));
    expect(revoked).toMatchObject({ allowed: false, reason: 'signed by Microsoft UEFI CA 2023 signer, whose certificate chain is revoked by dbx certificate Microsoft UEFI CA 2023' });
  });

  it('agrees with sbverify on each signature alone (bag reduced to the signer): allowed only through its own CA', () => {
    const [s2011, s2023] = signaturesOf(shim);
    const ca2023 = ca2023Of(shim);
    const ca2011 = vars.db.certs.find((e) => cn(e.cert) === 'Microsoft Corporation UEFI CA 2011')!.cert;
    const cas = { ca2011, ca2023, debian: parseCertificate(new Uint8Array(readFileSync(f.debianCa))), lookalike2023: lookalikeOf(ca2023) };
    const images = {
      only2011: withSignatures(shim, [withBag(s2011!.p7, [s2011!.signer])]),
      only2023: withSignatures(shim, [withBag(s2023!.p7, [s2023!.signer])]),
    };
    const got: Record<string, { ours: boolean; sbverify: boolean }> = {};
    for (const [img, bytes] of Object.entries(images)) {
      expect(toHex(authenticodeDigest(parsePeFile(bytes)))).toBe(toHex(authenticodeDigest(parsePeFile(shim))));
      for (const [name, ca] of Object.entries(cas)) {
        const v = verifyImage(bytes, firmwarePolicy(dbOf(ca), emptyDatabase('dbx')));
        if (v.allowed) expect(v.authority?.subject).toBe(cn(ca));
        got[`${img} ${name}`] = { ours: v.allowed, sbverify: sbverify(`${img}-${name}`, bytes, ca) };
      }
    }
    const expected = (key: string) => key === 'only2011 ca2011' || key === 'only2023 ca2023';
    expect(got).toEqual(Object.fromEntries(Object.keys(got).map((k) => [k, { ours: expected(k), sbverify: expected(k) }])));
  });

  it('disagrees with sbverify 0.9.4 on shim as shipped: sbverify accepts it with any --cert', () => {
    // Debian's sbverify (0.9.4-3.1, OpenSSL 3) verify callback returns 1 for
    // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY without looking at the --cert store. Each
    // shipped signature's bag ends in an intermediate (UEFI CA 2011, UEFI CA 2023) whose root is
    // in no store, so chain building stops with exactly that error, the callback waves it through
    // and the chain is never tied to --cert: sbverify says OK for an unrelated certificate. Our
    // verifier (edk2's rule: the chain must reach a db certificate) refuses. sbverify agrees with
    // us only on the allowed side here; the refusing side is cross-checked above, with the bag
    // reduced to the signer so that sbverify has to find the issuer in --cert.
    const ca = ca2023Of(shim);
    expect(sbverify('shipped-ca2023', shim, ca)).toBe(true);
    expect(verifyImage(shim, firmwarePolicy(dbOf(ca), emptyDatabase('dbx'))).allowed).toBe(true);
    for (const [name, other] of [['debian', parseCertificate(new Uint8Array(readFileSync(f.debianCa)))], ['lookalike2023', lookalikeOf(ca)]] as const) {
      expect(verifyImage(shim, firmwarePolicy(dbOf(other), emptyDatabase('dbx'))).allowed).toBe(false);
      expect(sbverify(`shipped-${name}`, shim, other), `sbverify now refuses shim with ${name}: it has become a usable peer here`).toBe(true);
    }
  });
});
