/**
 * Authenticated variable updates with efitools' sign-efi-sig-list as the peer.
 *
 *  - dbx updates against the KEK of the real OVMF snakeoil store: accepted and applied, our own
 *    signer produces the same bytes, unsigned or wrongly signed or tampered updates are refused;
 *  - who may sign which variable (UEFI 2.10 §32.3, edk2 ProcessVarWithPk/ProcessVarWithKek),
 *    with a PK, a KEK and a db key that are three different openssl keys, so that signing with
 *    the wrong one of them is told apart: db by a KEK entry, KEK by the PK, PK by the current
 *    PK or, in setup mode, by itself; replay of older timestamps.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeName, ext, issueCertificate, parseCertificate, fromPem } from '../../core/asn1/index.js';
import { EFI_CERT_SHA256_GUID, EFI_CERT_X509_GUID, EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE_GUID, SHIM_LOCK_GUID, encodeSignatureList, parseSignatureLists, type EfiGuid } from '../../core/efi/index.js';
import { isTlError } from '../../core/errors.js';
import { debianBoot, opensslSigner, run } from '../test-support/fixtures.js';
import { buildNodeImage } from '../sign/pe-builder.js';
import { authenticodeDigest } from '../pe/authenticode-digest.js';
import { parsePeFile } from '../pe/pe-file.js';
import { verifyImage, firmwarePolicy } from '../verify/verify-image.js';
import { databaseFromSignatureLists, emptyDatabase, type SignatureDatabase } from './database.js';
import { readOvmfVars, type SecureBootVariables } from './secure-boot-variables.js';
import { EFI_VARIABLE, parseAuthenticatedUpdate, SECURE_BOOT_VARIABLE_ATTRIBUTES, signVariableUpdate, updateAuthorities, verifyAuthenticatedUpdate, type SecureBootKeys } from './auth-variable.js';

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
    const v = verifyAuthenticatedUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: ATTR, payload }, vars, { data: new Uint8Array(0) });
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
    const req = (payload: Uint8Array, attributes = ATTR) => verifyAuthenticatedUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes, payload }, vars);
    expect(req(rogue)).toMatchObject({ accepted: false, reason: 'dbx update refused: signed by Rogue KEK, which chains to no certificate in KEK or PK (a dbx update must be signed by a KEK entry or the PK)' });
    expect(req(data, SECURE_BOOT_VARIABLE_ATTRIBUTES & ~EFI_VARIABLE.TIME_BASED_AUTHENTICATED_WRITE_ACCESS).accepted).toBe(false);
    expect(req(data).reason).toMatch(/^dbx update refused: malformed/);
    const good = signVariableUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: ATTR, timestamp: now, data, signer: { key: createPrivateKey(readFileSync(soKey)), cert: fromPem(readFileSync(soPem, 'utf8'))[0]! } });
    expect(req(good).accepted).toBe(true);
    const tampered = good.slice();
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0xff;
    expect(req(tampered).reason).toMatch(/^dbx update refused: signature by .* does not verify/);
    // Signed for dbx, replayed as db: the name is signed, so it fails.
    expect(verifyAuthenticatedUpdate({ name: 'db', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: ATTR, payload: good }, vars).accepted).toBe(false);
  });

  it('refuses a replacing write that is not newer than the current variable', () => {
    const t = new Date('2025-06-01T00:00:00Z');
    const data = eslOf(new Uint8Array(32).fill(2));
    const p = signVariableUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: SECURE_BOOT_VARIABLE_ATTRIBUTES, timestamp: t, data, signer: { key: createPrivateKey(readFileSync(soKey)), cert: fromPem(readFileSync(soPem, 'utf8'))[0]! } });
    const v = verifyAuthenticatedUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: SECURE_BOOT_VARIABLE_ATTRIBUTES, payload: p }, vars, { timestamp: t });
    expect(v.reason).toMatch(/replay/);
  });

  it('never throws on random or mutated payloads', () => {
    const good = signVariableUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: ATTR, timestamp: new Date('2025-01-01T00:00:00Z'), data: eslOf(new Uint8Array(32)), signer: { key: createPrivateKey(readFileSync(soKey)), cert: parseCertificate(fromPem(readFileSync(soPem, 'utf8'))[0]!) } });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, v]) => { const b = good.slice(); b[i] = v; return b; }), fc.nat(good.length).map((n) => good.subarray(0, n))), (payload) => {
        const v = verifyAuthenticatedUpdate({ name: 'dbx', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: ATTR, payload }, vars);
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

/** Who may sign which variable: a PK, a KEK and a db key that are three different keys. */
describe('the authority that may sign each Secure Boot variable', () => {
  type Signer = { key: string; pem: string; der: string };
  let pk: Signer, kek: Signer, dbKey: Signer, newPk: Signer;
  let keys: SecureBootKeys & { db: SignatureDatabase };
  const T0 = '2025-03-01 10:00:00';
  const guidOf = (name: string): EfiGuid => (name === 'PK' || name === 'KEK' ? EFI_GLOBAL_VARIABLE : EFI_IMAGE_SECURITY_DATABASE_GUID);
  /** cert-to-efi-sig-list: the ESL efitools makes for a certificate. */
  const eslOfCert = (s: Signer): Uint8Array => {
    const out = `${s.der}.esl`;
    const r = run('cert-to-efi-sig-list', ['-g', OWNER, s.pem, out]);
    if (r.status !== 0) throw new Error(r.stderr);
    return new Uint8Array(readFileSync(out));
  };
  let n = 0;
  /**
   * sign-efi-sig-list's update of `name` with `esl`, signed by `by`; also checks that our signer
   * makes the same bytes for the same inputs and timestamp (RSA PKCS#1 v1.5 is deterministic).
   */
  const peer = (name: string, esl: Uint8Array, by: Signer, o: { append?: boolean; time?: string } = {}): { payload: Uint8Array; attributes: number } => {
    const time = o.time ?? T0;
    const inFile = join(dir, `in-${++n}.esl`);
    const outFile = join(dir, `out-${n}.auth`);
    writeFileSync(inFile, esl);
    const r = run('sign-efi-sig-list', [...(o.append ? ['-a'] : []), '-t', time, '-k', by.key, '-c', by.pem, name, inFile, outFile]);
    expect(r.status, r.stderr).toBe(0);
    const payload = new Uint8Array(readFileSync(outFile));
    const attributes = SECURE_BOOT_VARIABLE_ATTRIBUTES | (o.append ? EFI_VARIABLE.APPEND_WRITE : 0);
    const ours = signVariableUpdate({ name, guid: guidOf(name), attributes, timestamp: new Date(time.replace(' ', 'T') + 'Z'), data: esl, signer: { key: createPrivateKey(readFileSync(by.key)), cert: new Uint8Array(readFileSync(by.der)) } });
    expect(Buffer.from(ours).equals(Buffer.from(payload)), `our ${name} update equals sign-efi-sig-list's`).toBe(true);
    return { payload, attributes };
  };
  const judge = (name: string, u: { payload: Uint8Array; attributes: number }, k: SecureBootKeys = keys, current: { data?: Uint8Array; timestamp?: Date } = {}) =>
    verifyAuthenticatedUpdate({ name, guid: guidOf(name), attributes: u.attributes, payload: u.payload }, k, current);

  beforeAll(() => {
    pk = opensslSigner(dir, 'Test Platform Key');
    kek = opensslSigner(dir, 'Test Key Exchange Key');
    dbKey = opensslSigner(dir, 'Test db Signer');
    newPk = opensslSigner(dir, 'Test New Platform Key');
    keys = { PK: databaseFromSignatureLists('PK', eslOfCert(pk)), KEK: databaseFromSignatureLists('KEK', eslOfCert(kek)), db: databaseFromSignatureLists('db', eslOfCert(dbKey)) };
  }, 60_000);

  it('are derived from the variable name, its vendor GUID and the platform mode', () => {
    const names = (a: ReturnType<typeof updateAuthorities>) => (a?.kind === 'databases' ? a.databases.map((d) => d.name) : a?.kind);
    expect(names(updateAuthorities('PK', EFI_GLOBAL_VARIABLE, keys))).toEqual(['PK']);
    expect(names(updateAuthorities('KEK', EFI_GLOBAL_VARIABLE, keys))).toEqual(['PK']);
    for (const db of ['db', 'dbx', 'dbt', 'dbr']) expect(names(updateAuthorities(db, EFI_IMAGE_SECURITY_DATABASE_GUID, keys))).toEqual(['KEK', 'PK']);
    const setup = { PK: emptyDatabase('PK'), KEK: keys.KEK };
    expect(names(updateAuthorities('PK', EFI_GLOBAL_VARIABLE, setup))).toBe('new-PK');
    expect(names(updateAuthorities('KEK', EFI_GLOBAL_VARIABLE, setup))).toBe('unverified');
    expect(names(updateAuthorities('db', EFI_IMAGE_SECURITY_DATABASE_GUID, setup))).toBe('unverified');
    // The same names under another vendor GUID are not the Secure Boot variables.
    expect(updateAuthorities('db', EFI_GLOBAL_VARIABLE, keys)).toBeUndefined();
    expect(updateAuthorities('PK', EFI_IMAGE_SECURITY_DATABASE_GUID, keys)).toBeUndefined();
    expect(updateAuthorities('MokList', SHIM_LOCK_GUID, keys)).toBeUndefined();
    // The old calling convention (a caller-chosen list of authorities) is refused outright.
    expect(() => verifyAuthenticatedUpdate({ name: 'db', guid: EFI_IMAGE_SECURITY_DATABASE_GUID, attributes: ATTR, payload: new Uint8Array(0) }, [keys.KEK, keys.PK] as never)).toThrow(TypeError);
  });

  it('db: an update signed by a KEK entry is accepted and applied; one signed by a db key is refused', () => {
    const add = eslOfCert(newPk);
    const v = judge('db', peer('db', add, kek, { append: true }), keys, { data: eslOfCert(dbKey) });
    expect(v, v.reason).toMatchObject({ accepted: true, append: true, reason: 'db update signed by Test Key Exchange Key, which chains to Test Key Exchange Key in KEK', authority: { database: 'KEK', subject: 'Test Key Exchange Key' }, mode: 'user' });
    expect(databaseFromSignatureLists('db', v.newData!).certs.map((c) => c.cert.subject.rdns.flat()[0]!.value)).toEqual(['Test db Signer', 'Test New Platform Key']);

    for (const name of ['db', 'dbx']) {
      const r = judge(name, peer(name, add, dbKey, { append: true }));
      expect(r).toMatchObject({ accepted: false, signer: 'Test db Signer', reason: `${name} update refused: signed by Test db Signer, which chains to no certificate in KEK or PK (a ${name} update must be signed by a KEK entry or the PK)` });
    }
    // The PK may sign db too (edk2 tries the PK, then each KEK certificate).
    expect(judge('db', peer('db', add, pk, { append: true }))).toMatchObject({ accepted: true, authority: { database: 'PK' } });
  });

  it('KEK: an update signed by the PK is accepted; one signed by the KEK itself is refused', () => {
    const add = eslOfCert(dbKey);
    const v = judge('KEK', peer('KEK', add, pk, { append: true }), keys, { data: eslOfCert(kek) });
    expect(v, v.reason).toMatchObject({ accepted: true, reason: 'KEK update signed by Test Platform Key, which chains to Test Platform Key in PK', authority: { database: 'PK', subject: 'Test Platform Key' } });
    expect(parseSignatureLists(v.newData!).map((l) => l.SignatureType)).toEqual([EFI_CERT_X509_GUID, EFI_CERT_X509_GUID]);
    expect(judge('KEK', peer('KEK', add, kek, { append: true }))).toMatchObject({
      accepted: false,
      reason: 'KEK update refused: signed by Test Key Exchange Key, which chains to no certificate in PK (a KEK update must be signed by the PK)',
    });
    // A KEK holds keys only: an image digest is refused whoever signs it.
    expect(judge('KEK', peer('KEK', eslOf(new Uint8Array(32).fill(7)), pk)).reason).toMatch(/^KEK update refused: KEK may hold only EFI_CERT_X509 or EFI_CERT_RSA2048 entries/);
  });

  it('PK: replaced by an update the old PK signs, deleted likewise (setup mode), then enrolled self-signed', () => {
    const replacement = peer('PK', eslOfCert(newPk), pk);
    const v = judge('PK', replacement, keys, { data: eslOfCert(pk), timestamp: new Date('2025-01-01T00:00:00Z') });
    expect(v, v.reason).toMatchObject({ accepted: true, mode: 'user', reason: 'PK replaced by an update signed by Test Platform Key, which chains to Test Platform Key in PK', authority: { database: 'PK' } });
    expect(Buffer.from(v.newData!).equals(Buffer.from(eslOfCert(newPk)))).toBe(true);
    // In user mode the new key cannot install itself, nor can a KEK replace the PK.
    expect(judge('PK', peer('PK', eslOfCert(newPk), newPk))).toMatchObject({ accepted: false, reason: 'PK update refused: signed by Test New Platform Key, which chains to no certificate in PK (a PK update must be signed by the current PK)' });
    expect(judge('PK', peer('PK', eslOfCert(newPk), kek)).accepted).toBe(false);
    // PK holds one key.
    expect(judge('PK', peer('PK', Buffer.concat([eslOfCert(newPk), eslOfCert(kek)]), pk)).reason).toBe('PK update refused: PK holds at most one key');

    // Deleting the PK (an empty signature list, as efitools' man page shows) returns to setup mode.
    const del = judge('PK', peer('PK', new Uint8Array(0), pk, { time: '2025-03-02 00:00:00' }));
    expect(del, del.reason).toMatchObject({ accepted: true, mode: 'setup', reason: 'PK deleted by an update signed by Test Platform Key, which chains to Test Platform Key in PK: the platform returns to setup mode' });
    expect(del.newData!.length).toBe(0);

    // Setup mode: the PK being enrolled must sign itself.
    const setup: SecureBootKeys = { PK: databaseFromSignatureLists('PK', del.newData!), KEK: keys.KEK };
    const enrol = judge('PK', peer('PK', eslOfCert(newPk), newPk), setup);
    expect(enrol, enrol.reason).toMatchObject({ accepted: true, mode: 'user', reason: 'PK enrolled in setup mode, self-signed by Test New Platform Key: the platform enters user mode', authority: { database: 'PK', subject: 'Test New Platform Key' } });
    expect(judge('PK', peer('PK', eslOfCert(newPk), kek), setup)).toMatchObject({
      accepted: false,
      reason: 'PK update refused: signed by Test Key Exchange Key, which chains to no certificate in the PK it enrolls (in setup mode a PK must be self-signed by the new PK)',
    });
    // …while KEK and db are written without a signature check, as edk2 does in setup mode.
    expect(judge('db', peer('db', eslOfCert(dbKey), dbKey), setup)).toMatchObject({ accepted: true, mode: 'setup', reason: 'db update accepted without signature verification: the platform is in setup mode (no PK enrolled)' });
  });

  it('refuses a replacing write whose timestamp is not later than the current one; an append is exempt', () => {
    const current = { data: eslOfCert(dbKey), timestamp: new Date('2025-03-01T10:00:00Z') };
    const older = judge('db', peer('db', eslOfCert(newPk), kek, { time: '2025-02-28 23:59:59' }), keys, current);
    expect(older).toMatchObject({ accepted: false, reason: 'db update refused: timestamp 2025-02-28T23:59:59.000Z is not newer than the variable\'s 2025-03-01T10:00:00.000Z (replay)' });
    expect(judge('db', peer('db', eslOfCert(newPk), kek, { time: T0 }), keys, current).reason).toMatch(/\(replay\)$/);
    const newer = judge('db', peer('db', eslOfCert(newPk), kek, { time: '2025-03-01 10:00:01' }), keys, current);
    expect(newer).toMatchObject({ accepted: true, timestamp: new Date('2025-03-01T10:00:01Z') });
    expect(Buffer.from(newer.newData!).equals(Buffer.from(eslOfCert(newPk)))).toBe(true);
    // An append with an older timestamp is accepted and keeps the variable's later timestamp.
    const appended = judge('db', peer('db', eslOfCert(newPk), kek, { append: true, time: '2024-01-01 00:00:00' }), keys, current);
    expect(appended).toMatchObject({ accepted: true, append: true, timestamp: current.timestamp });
  });
});
