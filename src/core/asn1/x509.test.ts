import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { WireError } from '../errors.js';
import { fromPem, parseDer, readInteger, readOid, der, toPem } from './der.js';
import { encodeName, formatName, commonName } from './name.js';
import { OID } from './oids.js';
import {
  basicConstraints,
  ext,
  extendedKeyUsage,
  issueCertificate,
  keyIdentifier,
  keyUsage,
  parseCertificate,
  publicKeyOf,
  subjectAltNames,
  subjectKeyIdentifier,
  authorityKeyIdentifier,
  verifyCertificateSignature,
} from './x509.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-x509-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('DER primitives', () => {
  it('encodes and decodes OIDs, integers and long lengths', () => {
    expect(readOid(parseDer(der.oid('1.2.840.113549.1.1.11')))).toBe('1.2.840.113549.1.1.11');
    expect(readOid(parseDer(der.oid('2.23.133.8.1')))).toBe('2.23.133.8.1');
    for (const v of [0n, 127n, 128n, 255n, 256n, -1n, -128n, -129n, 2n ** 160n]) expect(readInteger(parseDer(der.int(v)))).toBe(v);
    const big = der.octets(new Uint8Array(70000));
    expect(parseDer(big).end - parseDer(big).contentStart).toBe(70000);
  });

  it('refuses indefinite lengths and truncation with offsets', () => {
    expect(() => parseDer(Uint8Array.of(0x30, 0x80, 0, 0))).toThrow(/indefinite length is not DER.*offset 1/);
    expect(() => parseDer(Uint8Array.of(0x04, 0x05, 1, 2))).toThrow(WireError);
  });
});

describe('X.509 against OpenSSL', () => {
  let rsaCaPem: string;
  let ecLeafPem: string;
  let pssPem: string;

  beforeAll(() => {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/C=US/O=Example Org/CN=Example Root CA', '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:1', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'leaf.key');
    openssl('req', '-new', '-key', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=leaf.example');
    writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=DNS:leaf.example,IP:127.0.0.1\nextendedKeyUsage=serverAuth,codeSigning\n');
    openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '10', '-extfile', 'leaf.ext');
    openssl('req', '-x509', '-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048', '-nodes', '-keyout', 'pss.key', '-out', 'pss.pem', '-days', '5', '-subj', '/CN=PSS');
    rsaCaPem = openssl('x509', '-in', 'ca.pem');
    ecLeafPem = openssl('x509', '-in', 'leaf.pem');
    pssPem = openssl('x509', '-in', 'pss.pem');
  });

  it('parses an OpenSSL RSA CA and an ECDSA leaf, and verifies the chain', () => {
    const ca = parseCertificate(fromPem(rsaCaPem)[0]!);
    const leaf = parseCertificate(fromPem(ecLeafPem)[0]!);
    expect(formatName(ca.subject)).toBe('C = US, O = Example Org, CN = Example Root CA');
    expect(commonName(leaf.subject)).toBe('leaf.example');
    expect(leaf.issuer.der).toEqual(ca.subject.der);
    expect(basicConstraints(ca)).toEqual({ ca: true, pathLen: 1 });
    expect([...keyUsage(ca)!].sort()).toEqual(['cRLSign', 'keyCertSign']);
    expect(extendedKeyUsage(leaf)).toEqual([OID.serverAuth, OID.codeSigning]);
    expect(subjectAltNames(leaf)!.map((n) => n.tag)).toEqual([2, 7]);
    expect(verifyCertificateSignature(ca, publicKeyOf(ca))).toBe(true);
    expect(verifyCertificateSignature(leaf, publicKeyOf(ca))).toBe(true);
    expect(verifyCertificateSignature(leaf, publicKeyOf(leaf))).toBe(false);
    const serialHex = openssl('x509', '-in', 'leaf.pem', '-noout', '-serial').trim().split('=')[1]!;
    expect(BigInt('0x' + Buffer.from(leaf.serialNumber).toString('hex'))).toBe(BigInt('0x' + serialHex));
  });

  it('verifies an RSASSA-PSS self-signed certificate', () => {
    const c = parseCertificate(fromPem(pssPem)[0]!);
    expect(c.signatureAlgorithm.oid).toBe(OID.rsassaPss);
    expect(verifyCertificateSignature(c, publicKeyOf(c))).toBe(true);
  });

  it('issues RSA and EC certificates that openssl verifies and prints identically', () => {
    const caKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const leafKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const caName = encodeName([['C', 'US'], ['O', 'Trusted Launch'], ['CN', 'TL Test CA']]);
    const caDer = issueCertificate(
      {
        serialNumber: 1n,
        issuer: caName,
        subject: caName,
        notBefore: new Date('2026-01-01T00:00:00Z'),
        notAfter: new Date('2056-01-01T00:00:00Z'),
        publicKey: caKey.publicKey,
        extensions: [ext.basicConstraints(true, 0), ext.keyUsage(['keyCertSign', 'cRLSign']), ext.subjectKeyIdentifier(keyIdentifier(caKey.publicKey))],
      },
      caKey.privateKey,
    );
    const leafDer = issueCertificate(
      {
        serialNumber: 0x8f00aan,
        issuer: caName,
        subject: encodeName([['CN', 'node-1']]),
        notBefore: new Date('2026-01-01T00:00:00Z'),
        notAfter: new Date('2027-01-01T00:00:00Z'),
        publicKey: leafKey.publicKey,
        extensions: [
          ext.keyUsage(['digitalSignature', 'keyEncipherment']),
          ext.extKeyUsage([OID.serverAuth]),
          ext.subjectAltName({ dns: ['localhost'], ip: [Uint8Array.of(127, 0, 0, 1)] }),
          ext.authorityKeyIdentifier(keyIdentifier(caKey.publicKey)),
        ],
      },
      caKey.privateKey,
      'sha384',
    );
    writeFileSync(join(dir, 'our-ca.pem'), toPem(caDer, 'CERTIFICATE'));
    writeFileSync(join(dir, 'our-leaf.pem'), toPem(leafDer, 'CERTIFICATE'));
    expect(openssl('verify', '-CAfile', 'our-ca.pem', 'our-leaf.pem').trim()).toBe('our-leaf.pem: OK');
    const text = openssl('x509', '-in', 'our-leaf.pem', '-noout', '-text');
    expect(text).toMatch(/Serial Number: 9371818 \(0x8f00aa\)/);
    expect(text).toMatch(/Signature Algorithm: ecdsa-with-SHA384/);
    expect(text).toMatch(/DNS:localhost, IP Address:127\.0\.0\.1/);
    expect(text).toMatch(/Not After : Jan  1 00:00:00 2027 GMT/);
    // Our parser reads back what we wrote, and the key identifiers match openssl's hash method.
    const ca = parseCertificate(caDer);
    const leaf = parseCertificate(leafDer);
    expect(authorityKeyIdentifier(leaf)).toEqual(subjectKeyIdentifier(ca));
    const ski = openssl('x509', '-in', 'our-ca.pem', '-noout', '-ext', 'subjectKeyIdentifier').split('\n')[1]!.trim().replace(/:/g, '').toLowerCase();
    expect(Buffer.from(subjectKeyIdentifier(ca)!).toString('hex')).toBe(ski);
    expect(ca.notAfter.toISOString()).toBe('2056-01-01T00:00:00.000Z'); // GeneralizedTime after 2049
    expect(verifyCertificateSignature(leaf, publicKeyOf(ca))).toBe(true);
  });
});

describe('parseCertificate on hostile bytes (property)', () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = encodeName([['CN', 'x']]);
  const good = issueCertificate({ serialNumber: 5n, issuer: name, subject: name, notBefore: new Date(0), notAfter: new Date(1e12), publicKey: key.publicKey, extensions: [ext.basicConstraints(true)] }, key.privateKey);

  it('random bytes and mutations give WireError or a certificate, never another exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(good.length)).map(([i, b, cut]) => {
        const m = good.slice(0, Math.max(cut, i + 1));
        m[i] = b;
        return m;
      })), (bytes) => {
        try {
          parseCertificate(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(WireError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
