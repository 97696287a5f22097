/**
 * Certificate validity periods are NOT enforced at boot, on purpose.
 *
 * Why: UEFI image verification (UEFI 2.10 §32.5.1) judges a signature by db and dbx, and the
 * firmware has no trusted time to compare a validity period with (reference/secureboot.md G7);
 * the code that decides does not look at dates: edk2 CryptoPkg and shim's Cryptlib copy of it (Pk/CryptPkcs7VerifyCommon.c,
 * Pkcs7Verify) set X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME on the store ("Also
 * disable time checks"), and edk2 DxeImageVerificationLib and shim verify Authenticode through
 * that function. Real signed media depend on it: Microsoft's shim signer and UEFI CA 2011 expired
 * in 2026 and shim still boots. Revocation is dbx's job, not notAfter's.
 *
 * Until now that held in our tests only because a real Microsoft leaf happens to have expired;
 * here the signers are synthetic and their dates are chosen: one expired long ago, one not valid
 * until 2090, and a db CA that itself expired in 2000. openssl verify refuses each on time
 * grounds (and accepts it with -no_check_time, the flag edk2 and shim set), so the certificates
 * really are outside their validity; our verifier accepts them all, and so does sbverify.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commonName, encodeName, ext, issueCertificate, keyIdentifier, OID, parseCertificate, toPem, type Certificate } from '../../core/asn1/index.js';
import { utf8 } from '../../core/bytes.js';
import { databaseFromCertificates, emptyDatabase } from '../sigdb/database.js';
import { buildNodeImage, buildShimLikeImage } from '../sign/pe-builder.js';
import { signPeImage } from '../sign/sign-pe.js';
import { run } from '../test-support/fixtures.js';
import { verifyBootChain } from './boot-chain.js';
import { formatBootChain } from './format.js';
import { firmwarePolicy, verifyImage } from './verify-image.js';

interface Identity {
  readonly key: KeyObject;
  readonly cert: Certificate;
}
let serial = 0x5000n;
function issue(cn: string, notBefore: string, notAfter: string, issuer: Identity | undefined, ca: boolean): Identity {
  const kp = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = issueCertificate(
    {
      serialNumber: ++serial,
      issuer: issuer ? issuer.cert.subject.der : encodeName([['CN', cn]]),
      subject: encodeName([['CN', cn]]),
      notBefore: new Date(notBefore),
      notAfter: new Date(notAfter),
      publicKey: kp.publicKey,
      extensions: [
        ext.basicConstraints(ca),
        ext.keyUsage(ca ? ['keyCertSign', 'digitalSignature'] : ['digitalSignature']),
        ...(ca ? [] : [ext.extKeyUsage([OID.codeSigning])]),
        ext.subjectKeyIdentifier(keyIdentifier(kp.publicKey)),
      ],
    },
    issuer?.key ?? kp.privateKey,
  );
  return { key: kp.privateKey, cert: parseCertificate(der) };
}

const dir = mkdtempSync(join(tmpdir(), 'tl-validity-'));
const id = (c: Certificate) => Buffer.from(c.serialNumber).toString('hex');
const pem = (name: string, c: Certificate) => {
  const p = join(dir, `${name}.pem`);
  writeFileSync(p, toPem(c.der, 'CERTIFICATE'));
  return p;
};
/** openssl verify of `leaf` against `anchor` as a partial-chain trust anchor, as edk2 sets up the store. */
const opensslVerify = (leaf: Certificate, anchor: Certificate, noCheckTime: boolean) =>
  run('openssl', ['verify', '-partial_chain', '-purpose', 'any', ...(noCheckTime ? ['-no_check_time'] : []), '-CAfile', pem(`anchor-${id(anchor)}`, anchor), pem(`leaf-${id(leaf)}`, leaf)]);

let ca: Identity, expired: Identity, notYetValid: Identity, expiredCa: Identity, underExpiredCa: Identity, vendorCa: Identity, vendorNotYetValid: Identity;

beforeAll(() => {
  ca = issue('Validity Test UEFI CA', '2020-01-01T00:00:00Z', '2045-01-01T00:00:00Z', undefined, true);
  expired = issue('Long Expired Signer', '1999-01-01T00:00:00Z', '2001-01-01T00:00:00Z', ca, false);
  notYetValid = issue('Not Yet Valid Signer', '2090-01-01T00:00:00Z', '2099-12-31T23:59:59Z', ca, false);
  expiredCa = issue('Expired UEFI CA', '1995-01-01T00:00:00Z', '2000-01-01T00:00:00Z', undefined, true);
  underExpiredCa = issue('Signer Under An Expired CA', '1995-06-01T00:00:00Z', '1999-12-31T00:00:00Z', expiredCa, false);
  vendorCa = issue('Validity Test Vendor CA', '2020-01-01T00:00:00Z', '2045-01-01T00:00:00Z', undefined, true);
  vendorNotYetValid = issue('Vendor Signer Valid From 2090', '2090-01-01T00:00:00Z', '2099-12-31T23:59:59Z', vendorCa, false);
}, 60_000);

describe('certificate validity periods at boot', () => {
  it('the synthetic certificates are really outside their validity: openssl verify refuses them on time, and accepts them with -no_check_time', () => {
    const now = Date.now();
    expect(expired.cert.notAfter.getTime()).toBeLessThan(now);
    expect(notYetValid.cert.notBefore.getTime()).toBeGreaterThan(now);
    expect(expiredCa.cert.notAfter.getTime()).toBeLessThan(now);
    for (const [leaf, anchor, error] of [
      [expired, ca, 'certificate has expired'],
      [notYetValid, ca, 'certificate is not yet valid'],
      [underExpiredCa, expiredCa, 'certificate has expired'],
    ] as const) {
      const strict = opensslVerify(leaf.cert, anchor.cert, false);
      expect(strict.status, strict.stdout).not.toBe(0);
      expect(strict.stdout + strict.stderr).toContain(error);
      const lax = opensslVerify(leaf.cert, anchor.cert, true);
      expect(lax.status, lax.stdout + lax.stderr).toBe(0);
    }
  });

  it.each([
    ['expired in 2001', () => expired, () => ca, 'signed by Long Expired Signer, which chains to Validity Test UEFI CA in db'],
    ['valid only from 2090', () => notYetValid, () => ca, 'signed by Not Yet Valid Signer, which chains to Validity Test UEFI CA in db'],
    ['issued by a db CA that expired in 2000', () => underExpiredCa, () => expiredCa, 'signed by Signer Under An Expired CA, which chains to Expired UEFI CA in db'],
  ])('accepts an image whose signer is %s (the firmware ignores validity dates); sbverify agrees', (_, signer, anchor, reason) => {
    const image = signPeImage(buildNodeImage({ payload: utf8(`signed by ${id(signer().cert)}`) }), { key: signer().key, cert: signer().cert });
    const v = verifyImage(image, firmwarePolicy(databaseFromCertificates('db', [anchor().cert]), emptyDatabase('dbx')));
    expect(v).toMatchObject({ allowed: true, reason, authority: { database: 'db', subject: commonName(anchor().cert.subject) } });
    // sbverify (leaf-only signatures are where it is a reliable oracle, reference/secureboot.md §2).
    const p = join(dir, `image-${id(signer().cert)}.efi`);
    writeFileSync(p, image);
    const r = run('sbverify', ['--cert', pem(`db-${id(anchor().cert)}`, anchor().cert), p]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    // The dates are not what decides: the same signer outside db is still refused.
    expect(verifyImage(image, firmwarePolicy(databaseFromCertificates('db', [vendorCa.cert]), emptyDatabase('dbx'))).allowed).toBe(false);
  });

  it('boots a whole chain: shim signed by the expired signer, grub and the kernel by a vendor signer valid from 2090', () => {
    const shim = signPeImage(buildShimLikeImage({ vendorCert: vendorCa.cert.der, sbat: [{ component: 'shim', generation: 4 }] }), { key: expired.key, cert: expired.cert });
    const grubSbat = [{ component: 'sbat', generation: 1 }, { component: 'grub', generation: 4 }];
    const bootloader = signPeImage(buildNodeImage({ payload: utf8('grub'), sbat: grubSbat }), { key: vendorNotYetValid.key, cert: vendorNotYetValid.cert });
    const kernel = signPeImage(buildNodeImage({ payload: utf8('kernel') }), { key: vendorNotYetValid.key, cert: vendorNotYetValid.cert });
    const v = verifyBootChain({ trust: { db: databaseFromCertificates('db', [ca.cert]), dbx: emptyDatabase('dbx') }, shim, bootloader, kernel });
    expect(v.allowed, formatBootChain(v)).toBe(true);
    expect(v.stages.map((s) => [s.component, s.authority?.subject])).toEqual([
      ['shimx64.efi', 'Validity Test UEFI CA'],
      ['grubx64.efi', 'Validity Test Vendor CA'],
      ['vmlinuz', 'Validity Test Vendor CA'],
    ]);
  });
});

