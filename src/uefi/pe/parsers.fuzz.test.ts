/**
 * Property tests for every parser of untrusted bytes in src/uefi: truncated, mutated and random
 * PE images, PKCS#7, signature lists, variable stores, vendor-cert sections and SBAT give a
 * WireError with an offset (or a refusing verdict), never another exception or a hang.
 */
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeName, ext, issueCertificate } from '../../core/asn1/index.js';
import { EFI_CERT_SHA256_GUID, EFI_CERT_X509_GUID, encodeSignatureLists } from '../../core/efi/index.js';
import { WireError } from '../../core/errors.js';
import { parseSignedData } from '../pkcs7/signed-data.js';
import { parseSbat, parseSbatLevel, parseSbatLevelSection } from '../shim/sbat.js';
import { parseVendorCertSection } from '../shim/vendor-cert.js';
import { buildNodeImage, buildShimLikeImage, sbatLevelSection } from '../sign/pe-builder.js';
import { signPeImage } from '../sign/sign-pe.js';
import { databaseFromCertificates, databaseFromSignatureLists, emptyDatabase } from '../sigdb/database.js';
import { parseVariableStore } from '../sigdb/variable-store.js';
import { firmwarePolicy, verifyImage } from '../verify/verify-image.js';
import { authenticodeDigest } from './authenticode-digest.js';
import { parsePeFile } from './pe-file.js';
import { parseCertificateTable } from './win-certificate.js';
import { sbatLevel } from '../shim/sbat.js';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
const when = new Date('2025-01-01T00:00:00Z');
const certDer = issueCertificate({ serialNumber: 5n, issuer: encodeName([['CN', 'Fuzz CA']]), subject: encodeName([['CN', 'Fuzz CA']]), notBefore: when, notAfter: new Date('2035-01-01T00:00:00Z'), publicKey: key.publicKey, extensions: [ext.basicConstraints(true)] }, key.privateKey);
const signed = signPeImage(
  buildShimLikeImage({ vendorCert: certDer, sbat: [{ component: 'shim', generation: 4 }], sbatLevels: { previous: sbatLevel('2024010100', { shim: 2 }), latest: sbatLevel('2024020100', { shim: 3 }) } }),
  { key: key.privateKey, cert: certDer },
);
const policy = firmwarePolicy(databaseFromCertificates('db', [certDer]), emptyDatabase('dbx'));

/** Bytes derived from `seed`: truncations, byte mutations, splices of random data, or pure noise. */
function variants(seed: Uint8Array) {
  return fc.oneof(
    fc.nat(seed.length).map((n) => seed.subarray(0, n)),
    fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
      const b = seed.slice();
      for (const [i, v] of edits) b[i] = v;
      return b;
    }),
    fc.tuple(fc.nat(seed.length - 1), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([i, junk]) => {
      const b = seed.slice();
      b.set(junk.subarray(0, b.length - i), i);
      return b;
    }),
    fc.uint8Array({ maxLength: 512 }),
  );
}

/** Run `fn`; it may return or throw a WireError with a finite offset, nothing else. */
function onlyWireErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    expect(Number.isFinite(e.offset)).toBe(true);
    expect(e.message).toMatch(/offset \d+/);
  }
}

describe('fuzzing the parsers', () => {
  it('the signed test image is allowed (the seed is valid)', () => {
    expect(verifyImage(signed, policy).allowed).toBe(true);
  });

  it('PE/COFF: parsePeFile, the certificate table and the digest', () => {
    fc.assert(
      fc.property(variants(signed), (b) => {
        onlyWireErrors(() => {
          const pe = parsePeFile(b);
          authenticodeDigest(pe);
          parseCertificateTable(pe);
        });
      }),
      { numRuns: 600 },
    );
  });

  it('verifyImage never throws on changed images', () => {
    fc.assert(
      fc.property(variants(signed), (b) => {
        const v = verifyImage(b, policy);
        expect(typeof v.reason).toBe('string');
      }),
      { numRuns: 400 },
    );
  });

  it('PKCS#7 SignedData', () => {
    const pe = parsePeFile(signed);
    const p7 = parseCertificateTable(pe)[0]!.bCertificate;
    fc.assert(fc.property(variants(p7), (b) => onlyWireErrors(() => parseSignedData(b))), { numRuns: 800 });
  });

  it('EFI_SIGNATURE_LIST databases', () => {
    const esl = encodeSignatureLists([
      { SignatureType: EFI_CERT_X509_GUID, Signatures: [{ SignatureOwner: '77fa9abd-0359-4d32-bd60-28f4e78f784b', SignatureData: certDer }] },
      { SignatureType: EFI_CERT_SHA256_GUID, Signatures: [{ SignatureOwner: '77fa9abd-0359-4d32-bd60-28f4e78f784b', SignatureData: new Uint8Array(32).fill(3) }] },
    ]);
    fc.assert(fc.property(variants(esl), (b) => onlyWireErrors(() => databaseFromSignatureLists('db', b))), { numRuns: 600 });
  });

  it('variable stores, vendor-cert sections and SBAT', () => {
    const store = new Uint8Array(4096);
    store.set([0x78, 0x2c, 0xf3, 0xaa, 0x7b, 0x94, 0x9a, 0x43, 0xa1, 0x80, 0x2e, 0x14, 0x4e, 0xc3, 0x77, 0x92]); // gEfiAuthenticatedVariableGuid
    new DataView(store.buffer).setUint32(16, 4096, true);
    store[20] = 0x5a;
    store[21] = 0xfe;
    store.set([0xaa, 0x55, 0x3f], 28);
    const vc = new Uint8Array(16 + certDer.length);
    new DataView(vc.buffer).setUint32(0, certDer.length, true);
    new DataView(vc.buffer).setUint32(8, 16, true);
    new DataView(vc.buffer).setUint32(12, 16 + certDer.length, true);
    vc.set(certDer, 16);
    const sbat = new TextEncoder().encode('sbat,1,SBAT Version,sbat,1,https://x\ngrub,3,Free Software Foundation,grub,2.06,https://y\n');
    const level = sbatLevelSection(sbatLevel('2024010100', { grub: 3 }), sbatLevel('2024020100', { grub: 4 }));
    fc.assert(
      fc.property(variants(store), variants(vc), variants(sbat), variants(level), (s, v, c, l) => {
        onlyWireErrors(() => parseVariableStore(s));
        onlyWireErrors(() => parseVendorCertSection(v));
        onlyWireErrors(() => parseSbat(c));
        onlyWireErrors(() => parseSbatLevel(c));
        onlyWireErrors(() => parseSbatLevelSection(l));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a PE whose NumberOfRvaAndSizes does not fit, with the offset', () => {
    const b = buildNodeImage({}).slice();
    const pe = parsePeFile(b);
    new DataView(b.buffer).setUint32(pe.optionalHeaderOffset + 108, 40, true);
    expect(() => parsePeFile(b)).toThrow(/NumberOfRvaAndSizes 40 does not fit in SizeOfOptionalHeader 240 \(at offset \d+\)/);
  });

  it('refuses a long section name ("/N") when the image has no COFF string table, or N lies outside it, naming the section header', () => {
    const pe = parsePeFile(signed);
    // The builder writes names over 8 bytes (".sbatlevel", ".vendor_cert") as "/N", N an offset in
    // the COFF string table, as Debian's shim does; the parser stops at the first such header.
    const rawName = (h: number) => new TextDecoder().decode(signed.subarray(h, h + 8)).replace(/\0+$/, '');
    const vc = pe.sections.find((s) => rawName(s.headerOffset).startsWith('/'))!;
    const raw = rawName(vc.headerOffset);
    expect(raw).toMatch(/^\/\d+$/);
    expect(vc.name.length).toBeGreaterThan(8);
    expect(pe.pointerToSymbolTable).toBeGreaterThan(0);
    const caught = (b: Uint8Array): WireError => {
      try {
        parsePeFile(b);
      } catch (e) {
        if (e instanceof WireError) return e;
        throw e;
      }
      throw new Error('parsePeFile accepted the image');
    };
    const noTable = `PE.IMAGE_SECTION_HEADER.Name: long section name ${raw} but the image has no COFF string table (at offset ${vc.headerOffset})`;

    // PointerToSymbolTable = 0: no symbol table, so no string table.
    const none = signed.slice();
    new DataView(none.buffer).setUint32(pe.peOffset + 12, 0, true);
    const e1 = caught(none);
    expect(e1.message).toBe(noTable);
    expect(e1.offset).toBe(vc.headerOffset);
    expect(verifyImage(none, policy).reason).toBe(`not a valid PE/COFF image: ${noTable}`);

    // A string table that would start past the end of the file is no string table either.
    const past = signed.slice();
    new DataView(past.buffer).setUint32(pe.peOffset + 12, signed.length - 2, true);
    expect(caught(past).message).toBe(noTable);

    // The name rewritten to "/9999": the table exists but is far shorter.
    const outside = signed.slice();
    outside.set(new TextEncoder().encode('/9999\0'), vc.headerOffset);
    const e2 = caught(outside);
    expect(e2.message).toBe(`PE.IMAGE_SECTION_HEADER.Name: section name offset /9999 lies outside the string table (at offset ${vc.headerOffset})`);
    expect(e2.offset).toBe(vc.headerOffset);
  });
});

describe('hostile certificate bags', () => {
  it('a bag of 40 mutually-issuing certificates is walked in bounded time', () => {
    const k = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const name = encodeName([['CN', 'Loop CA']]);
    const certs = Array.from({ length: 40 }, (_, i) =>
      issueCertificate({ serialNumber: BigInt(i + 1), issuer: name, subject: name, notBefore: when, notAfter: new Date('2035-01-01T00:00:00Z'), publicKey: k.publicKey, extensions: [ext.basicConstraints(true)] }, k.privateKey),
    );
    const img = signPeImage(buildNodeImage({}), { key: k.privateKey, cert: certs[0]!, chain: certs.slice(1) });
    const t = performance.now();
    const v = verifyImage(img, firmwarePolicy(databaseFromCertificates('db', [certDer]), emptyDatabase('dbx')));
    expect(v.allowed).toBe(false);
    expect(performance.now() - t).toBeLessThan(10_000);
  });
});
