/**
 * Revocation by a plain X.509 certificate in the FIRMWARE dbx (EFI_CERT_X509_GUID; not MokListX,
 * not a TBS hash). edk2 DxeImageVerificationLib (IsForbiddenByDbx) refuses an image when any of
 * its signatures verifies against a dbx certificate — the signer itself or any certificate above
 * it in the signature's chain — even when db trusts the same chain; shim applies the same dbx to
 * what it loads (deny = dbx + vendor dbx + MokListX), so a revoked grub or kernel signer stops the
 * boot at that component. The dbx here is OVMF's own dbx followed by the EFI_SIGNATURE_LIST
 * efitools' cert-to-efi-sig-list makes for the certificate, read with databaseFromSignatureLists
 * as the firmware variable is.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commonName, encodeName, ext, issueCertificate, keyIdentifier, OID, parseCertificate, toPem, type Certificate } from '../../core/asn1/index.js';
import { EFI_CERT_X509_GUID, parseSignatureLists } from '../../core/efi/index.js';
import { inspectSignature } from '../authenticode/signature.js';
import { parsePeFile } from '../pe/pe-file.js';
import { parseCertificateTable } from '../pe/win-certificate.js';
import { databaseFromSignatureLists, emptyDatabase, encodeDatabase, type SignatureDatabase } from '../sigdb/database.js';
import { readOvmfVars, type SecureBootVariables } from '../sigdb/secure-boot-variables.js';
import { buildNodeBootChain, createPlatformPki, type NodeBootChain, type PlatformPki } from '../sign/node-boot-chain.js';
import { buildShimLikeImage } from '../sign/pe-builder.js';
import { signPeImage } from '../sign/sign-pe.js';
import { debianBoot, debianKernel, run } from '../test-support/fixtures.js';
import { verifyBootChain, type BootChainInput } from './boot-chain.js';
import { formatBootChain } from './format.js';

const OWNER = '77fa9abd-0359-4d32-bd60-28f4e78f784b';
const dir = mkdtempSync(join(tmpdir(), 'tl-dbx-x509-'));
let n = 0;

/** The signer and certificate bag of each signature of a PE image. */
function signaturesOf(image: Uint8Array): { signer: Certificate; bag: readonly Certificate[] }[] {
  const pe = parsePeFile(image);
  return parseCertificateTable(pe).map((e, i) => {
    const s = inspectSignature(pe, e, i, new Map());
    if (!s.signer) throw new Error(`signature ${i}: ${s.problem}`);
    return { signer: s.signer, bag: s.certificates };
  });
}
const cn = (c: Certificate) => commonName(c.subject)!;

/** `base`'s entries followed by one EFI_CERT_X509_GUID list per certificate, each made by cert-to-efi-sig-list. */
function dbxWith(base: SignatureDatabase, ...certs: (Certificate | Uint8Array)[]): SignatureDatabase {
  const lists = certs.map((c) => {
    const pem = join(dir, `c${++n}.pem`);
    const esl = join(dir, `c${n}.esl`);
    writeFileSync(pem, toPem(c instanceof Uint8Array ? c : c.der, 'CERTIFICATE'));
    const r = run('cert-to-efi-sig-list', ['-g', OWNER, pem, esl]);
    if (r.status !== 0) throw new Error(r.stderr);
    return readFileSync(esl);
  });
  const bytes = Buffer.concat([encodeDatabase(base), ...lists]);
  const x509Lists = parseSignatureLists(new Uint8Array(bytes)).filter((l) => l.SignatureType === EFI_CERT_X509_GUID);
  expect(x509Lists.length).toBe(certs.length);
  return databaseFromSignatureLists('dbx', new Uint8Array(bytes));
}

describe('the Debian boot chain against an X.509 certificate in the firmware dbx', () => {
  let vars: SecureBootVariables;
  let input: BootChainInput;
  const withDbx = (dbx: SignatureDatabase): BootChainInput => ({ ...input, trust: { ...input.trust, dbx } });

  beforeAll(() => {
    const f = debianBoot();
    const k = debianKernel();
    vars = readOvmfVars(new Uint8Array(readFileSync(f.ovmfMsVars)));
    input = {
      trust: { db: vars.db, dbx: vars.dbx },
      shim: new Uint8Array(readFileSync(f.shimSigned)),
      bootloader: new Uint8Array(readFileSync(f.grubSigned)),
      kernel: new Uint8Array(readFileSync(k.vmlinuz)),
    };
  }, 180_000);

  it('boots with OVMF dbx plus an unrelated certificate (the control)', () => {
    const unrelated = readFileSync(debianBoot().snakeoilPem, 'utf8');
    const der = new Uint8Array(Buffer.from(unrelated.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    const dbx = dbxWith(vars.dbx, der);
    expect(dbx.certs.map((c) => c.database)).toEqual(['dbx']);
    expect(dbx.hashes.length).toBe(vars.dbx.hashes.length);
    const v = verifyBootChain(withDbx(dbx));
    expect(v.allowed, formatBootChain(v)).toBe(true);
  });

  it("refuses shim when its intermediate, Microsoft Corporation UEFI CA 2011, is in dbx, although db holds the same certificate", () => {
    const [first] = signaturesOf(input.shim);
    const ca2011 = first!.bag.find((c) => cn(c) === 'Microsoft Corporation UEFI CA 2011')!;
    expect(commonName(ca2011.issuer)).toBe('Microsoft Corporation Third Party Marketplace Root');
    expect(vars.db.certs.some((e) => Buffer.from(e.cert.der).equals(Buffer.from(ca2011.der)))).toBe(true);
    const v = verifyBootChain(withDbx(dbxWith(vars.dbx, ca2011)));
    expect(v).toMatchObject({
      allowed: false,
      failedComponent: 'shimx64.efi',
      reason: 'shimx64.efi: signed by Microsoft Windows UEFI Driver Publisher, whose certificate chain is revoked by dbx certificate Microsoft Corporation UEFI CA 2011',
    });
    expect(v.stages[0]).toMatchObject({ stage: 'shim', allowed: false });
    expect(v.stages[0]!.stage === 'shim' && v.stages[0]!.signatures[0]).toMatchObject({
      signer: 'Microsoft Windows UEFI Driver Publisher',
      // The path stops at the certificate the revoking entry issued (TrustPath.chain).
      chain: ['Microsoft Windows UEFI Driver Publisher'],
      revokedBy: 'dbx certificate Microsoft Corporation UEFI CA 2011',
    });
  });

  it("refuses shim when its leaf signer, Microsoft Windows UEFI Driver Publisher, is in dbx", () => {
    const [first] = signaturesOf(input.shim);
    expect(verifyBootChain(withDbx(dbxWith(vars.dbx, first!.signer))).reason).toBe(
      'shimx64.efi: signed by Microsoft Windows UEFI Driver Publisher, whose certificate chain is revoked by dbx certificate Microsoft Windows UEFI Driver Publisher',
    );
  });

  it("refuses grub, after shim passed, when grub's signer certificate is in dbx", () => {
    const [grub] = signaturesOf(input.bootloader);
    expect(cn(grub!.signer)).toBe('Debian Secure Boot Signer 2022 - grub2');
    const v = verifyBootChain(withDbx(dbxWith(vars.dbx, grub!.signer)));
    expect(v).toMatchObject({
      allowed: false,
      failedComponent: 'grubx64.efi',
      reason: 'grubx64.efi: signed by Debian Secure Boot Signer 2022 - grub2, whose certificate chain is revoked by dbx certificate Debian Secure Boot Signer 2022 - grub2',
    });
    expect(v.stages.map((s) => [s.component, s.allowed, s.verifiedBy])).toEqual([
      ['shimx64.efi', true, 'UEFI firmware (db/dbx)'],
      ['grubx64.efi', false, 'shim'],
    ]);
  });

  it("refuses the kernel, after shim and grub passed, when the kernel's signer certificate is in dbx", () => {
    const [kernel] = signaturesOf(input.kernel);
    expect(cn(kernel!.signer)).toBe('Debian Secure Boot Signer 2022 - linux');
    const v = verifyBootChain(withDbx(dbxWith(vars.dbx, kernel!.signer)));
    expect(v).toMatchObject({
      failedComponent: 'vmlinuz',
      reason: 'vmlinuz: signed by Debian Secure Boot Signer 2022 - linux, whose certificate chain is revoked by dbx certificate Debian Secure Boot Signer 2022 - linux',
    });
    expect(v.stages.map((s) => s.allowed)).toEqual([true, true, false]);
  });

  it("refuses grub when the CA shim embeds (Debian Secure Boot CA) is in dbx: dbx outranks shim's vendor certificate", () => {
    const ca = parseCertificate(new Uint8Array(readFileSync(debianBoot().debianCa)));
    const v = verifyBootChain(withDbx(dbxWith(vars.dbx, ca)));
    expect(v).toMatchObject({
      failedComponent: 'grubx64.efi',
      reason: 'grubx64.efi: signed by Debian Secure Boot Signer 2022 - grub2, whose certificate chain is revoked by dbx certificate Debian Secure Boot CA',
    });
  });
});

describe("the platform's own chain against an X.509 certificate in the firmware dbx", () => {
  let pki: PlatformPki;
  let chain: NodeBootChain;
  let intermediate: { key: ReturnType<typeof generateKeyPairSync>['privateKey']; cert: Certificate };
  let shimViaIntermediate: Uint8Array;
  const none = emptyDatabase('dbx');

  beforeAll(() => {
    pki = createPlatformPki();
    chain = buildNodeBootChain(pki);
    // db → intermediate CA → signer: the shape of Microsoft's (UEFI CA → Driver Publisher), built here.
    const root = parseCertificate(pki.uefiCa.cert);
    const mk = (cn: string, issuer: Certificate, issuerKey: typeof pki.uefiCa.key, ca: boolean) => {
      const kp = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const der = issueCertificate(
        {
          serialNumber: BigInt(0x1000 + ++n),
          issuer: issuer.subject.der,
          subject: encodeName([['CN', cn]]),
          notBefore: new Date('2024-01-01Z'),
          notAfter: new Date('2049-01-01Z'),
          publicKey: kp.publicKey,
          extensions: [ext.basicConstraints(ca), ext.keyUsage(ca ? ['keyCertSign', 'digitalSignature'] : ['digitalSignature']), ...(ca ? [] : [ext.extKeyUsage([OID.codeSigning])]), ext.subjectKeyIdentifier(keyIdentifier(kp.publicKey))],
        },
        issuerKey,
      );
      return { key: kp.privateKey, cert: parseCertificate(der) };
    };
    intermediate = mk('Trusted Launch UEFI Intermediate CA', root, pki.uefiCa.key, true);
    const signer = mk('Trusted Launch UEFI Signer 2', intermediate.cert, intermediate.key, false);
    shimViaIntermediate = signPeImage(
      buildShimLikeImage({ vendorCert: pki.vendorCa.cert, sbat: [{ component: 'shim', generation: 4 }] }),
      { key: signer.key, cert: signer.cert, chain: [intermediate.cert.der] },
    );
  }, 60_000);

  it('boots a shim whose signature chains through an intermediate CA to db, and refuses it once that intermediate is in dbx', () => {
    const base = { ...chain, trust: { db: chain.db, dbx: none }, shim: shimViaIntermediate };
    const ok = verifyBootChain(base);
    expect(ok.allowed, formatBootChain(ok)).toBe(true);
    expect(ok.stages[0]!.stage === 'shim' && ok.stages[0]!.signatures[0]!.chain).toEqual(['Trusted Launch UEFI Signer 2', 'Trusted Launch UEFI Intermediate CA']);
    const v = verifyBootChain({ ...base, trust: { ...base.trust, dbx: dbxWith(none, intermediate.cert) } });
    expect(v).toMatchObject({
      failedComponent: 'shimx64.efi',
      reason: 'shimx64.efi: signed by Trusted Launch UEFI Signer 2, whose certificate chain is revoked by dbx certificate Trusted Launch UEFI Intermediate CA',
    });
  });

  it("refuses grub when the vendor signer is in dbx, and a module when the kernel's module key is", () => {
    expect(verifyBootChain({ ...chain, trust: { db: chain.db, dbx: none } }).allowed).toBe(true);
    expect(verifyBootChain({ ...chain, trust: { db: chain.db, dbx: dbxWith(none, pki.vendorSigner.cert) } })).toMatchObject({
      failedComponent: 'grubx64.efi',
      reason: 'grubx64.efi: signed by Trusted Launch Secure Boot Signer, whose certificate chain is revoked by dbx certificate Trusted Launch Secure Boot Signer',
    });
    const v = verifyBootChain({ ...chain, trust: { db: chain.db, dbx: dbxWith(none, pki.moduleKey.cert) } });
    expect(v).toMatchObject({ failedComponent: 'hv_vmbus.ko', reason: 'hv_vmbus.ko: signed by Trusted Launch kernel module signing key, whose certificate is revoked by dbx' });
    expect(v.stages.map((s) => s.allowed)).toEqual([true, true, true, false]);
  });
});
