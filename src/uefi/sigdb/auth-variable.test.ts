/**
 * Authenticated dbx updates against the KEK of the real OVMF variable stores: efitools'
 * sign-efi-sig-list output signed by the snakeoil KEK is accepted and applied, our own signer
 * produces the same bytes, unsigned or wrongly signed or tampered updates are refused.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeName, ext, issueCertificate, parseCertificate, fromPem } from '../../core/asn1/index.js';
import { EFI_CERT_SHA256_GUID, EFI_IMAGE_SECURITY_DATABASE_GUID, encodeSignatureList } from '../../core/efi/index.js';
import { isTlError } from '../../core/errors.js';
import { debianBoot, run } from '../test-support/fixtures.js';
import { buildNodeImage } from '../sign/pe-builder.js';
import { authenticodeDigest } from '../pe/authenticode-digest.js';
import { parsePeFile } from '../pe/pe-file.js';
import { verifyImage, firmwarePolicy } from '../verify/verify-image.js';
import { databaseFromSignatureLists } from './database.js';
import { readOvmfVars, type SecureBootVariables } from './secure-boot-variables.js';
import { EFI_VARIABLE, parseAuthenticatedUpdate, SECURE_BOOT_VARIABLE_ATTRIBUTES, signVariableUpdate, verifyAuthenticatedUpdate } from './auth-variable.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-authvar-'));
let vars: SecureBootVariables;
let soKey: string, soPem: string;
const ATTR = SECURE_BOOT_VARIABLE_ATTRIBUTES | EFI_VARIABLE.APPEND_WRITE;
const OWNER = '11111111-2222-3333-4444-555555555555';

beforeAll(() => {
  const f = debianBoot();
  vars = readOvmfVars(new Uint8Array(readFileSync(f.ovmfSnakeoilVars)));
  soKey = join(dir, 'snakeoil.key');
  soPem = f.snakeoilPem;
  const r = run('openssl', ['rsa', '-in', f.snakeoilKey, '-passin', 'pass:snakeoil', '-out', soKey]);
  if (r.status !== 0) throw new Error(r.stderr);
}, 180_000);

function eslOf(digest: Uint8Array): Uint8Array {
  return encodeSignatureList({ SignatureType: EFI_CERT_SHA256_GUID, Signatures: [{ SignatureOwner: OWNER, SignatureData: digest }] });
}

describe('dbx update signed by the KEK', () => {
  it('accepts sign-efi-sig-list output, applies it, and the listed image is then refused', () => {
    const image = buildNodeImage({ payload: new TextEncoder().encode('revoked bootloader') });
    const digest = authenticodeDigest(parsePeFile(image));
    writeFileSync(join(dir, 'dbx.esl'), eslOf(digest));
    const r = run('sign-efi-sig-list', ['-a', '-g', OWNER, '-t', '2025-01-02 03:04:05', '-k', soKey, '-c', soPem, 'dbx', join(dir, 'dbx.esl'), join(dir, 'dbx.auth')]);
    expect(r.status, r.stderr).toBe(0);
    const payload = new Uint8Array(readFileSync(join(dir, 'dbx.auth')));
    const v = verifyAuthenticatedUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: ATTR, payload }, [vars.KEK, vars.PK], { data: new Uint8Array(0) });
    expect(v.accepted, v.reason).toBe(true);
    expect(v.authority?.database).toBe('KEK');
    const dbx = databaseFromSignatureLists('dbx', v.newData!);
    expect(verifyImage(image, firmwarePolicy(vars.db, dbx))).toMatchObject({ allowed: false, reason: 'image SHA-256 digest is in dbx' });

    // Our signer makes the same bytes for the same inputs (RSA PKCS#1 v1.5 is deterministic).
    const ours = signVariableUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: ATTR, timestamp: new Date('2025-01-02T03:04:05Z'), data: eslOf(digest), signer: { key: createPrivateKey(readFileSync(soKey)), cert: fromPem(readFileSync(soPem, 'utf8'))[0]! } });
    expect(Buffer.from(ours).equals(Buffer.from(payload))).toBe(true);
  });

  it('refuses an update signed by a key outside KEK and PK, an unsigned one, and a tampered one', () => {
    const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = new Date('2025-01-01T00:00:00Z');
    const cert = issueCertificate({ serialNumber: 9n, issuer: encodeName([['CN', 'Rogue KEK']]), subject: encodeName([['CN', 'Rogue KEK']]), notBefore: now, notAfter: new Date('2030-01-01T00:00:00Z'), publicKey: k.publicKey, extensions: [ext.basicConstraints(true)] }, k.privateKey);
    const data = eslOf(new Uint8Array(32).fill(1));
    const rogue = signVariableUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: ATTR, timestamp: now, data, signer: { key: k.privateKey, cert } });
    const req = (payload: Uint8Array, attributes = ATTR) => verifyAuthenticatedUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes, payload }, [vars.KEK, vars.PK]);
    expect(req(rogue)).toMatchObject({ accepted: false, reason: 'dbx update refused: signed by Rogue KEK, which chains to no certificate in KEK or PK' });
    expect(req(data, SECURE_BOOT_VARIABLE_ATTRIBUTES & ~EFI_VARIABLE.TIME_BASED_AUTHENTICATED_WRITE_ACCESS).accepted).toBe(false);
    expect(req(data).reason).toMatch(/^dbx update refused: malformed/);
    const good = signVariableUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: ATTR, timestamp: now, data, signer: { key: createPrivateKey(readFileSync(soKey)), cert: fromPem(readFileSync(soPem, 'utf8'))[0]! } });
    expect(req(good).accepted).toBe(true);
    const tampered = good.slice();
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0xff;
    expect(req(tampered).reason).toMatch(/^dbx update refused: signature by .* does not verify/);
    // Signed for dbx, replayed as db: the name is signed, so it fails.
    expect(verifyAuthenticatedUpdate({ name: 'db', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: ATTR, payload: good }, [vars.KEK, vars.PK]).accepted).toBe(false);
  });

  it('refuses a replacing write that is not newer than the current variable', () => {
    const t = new Date('2025-06-01T00:00:00Z');
    const data = eslOf(new Uint8Array(32).fill(2));
    const p = signVariableUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: SECURE_BOOT_VARIABLE_ATTRIBUTES, timestamp: t, data, signer: { key: createPrivateKey(readFileSync(soKey)), cert: fromPem(readFileSync(soPem, 'utf8'))[0]! } });
    const v = verifyAuthenticatedUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: SECURE_BOOT_VARIABLE_ATTRIBUTES, payload: p }, [vars.KEK], { timestamp: t });
    expect(v.reason).toMatch(/replay/);
  });

  it('never throws on random or mutated payloads', () => {
    const good = signVariableUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: ATTR, timestamp: new Date('2025-01-01T00:00:00Z'), data: eslOf(new Uint8Array(32)), signer: { key: createPrivateKey(readFileSync(soKey)), cert: parseCertificate(fromPem(readFileSync(soPem, 'utf8'))[0]!) } });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, v]) => { const b = good.slice(); b[i] = v; return b; }), fc.nat(good.length).map((n) => good.subarray(0, n))), (payload) => {
        const v = verifyAuthenticatedUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: ATTR, payload }, [vars.KEK]);
        expect(typeof v.reason).toBe('string');
        try {
          parseAuthenticatedUpdate(payload);
        } catch (e) {
          expect(isTlError(e)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});
