/**
 * Debian's tpm2-tools 5.4 against our simulator exported with swtpm's socket protocol, as
 * `tl tpm serve --port P --state DIR` runs it (TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=P):
 * PCR read/extend, the EK certificate from NV, tpm2_createek/createak, tpm2_quote checked by
 * tpm2_checkquote and by our verifier (RSA and the platform's ECC P-256/ECDSA AK), tpm2_makecredential (software and TPM) with
 * tpm2_activatecredential, and the state surviving a server restart.
 */
import { X509Certificate, createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../core/bytes.js';
import { verifyQuote } from '../crypto/quote.js';
import { publicKeyOf } from '../crypto/keys.js';
import { startTpmServer, type TpmServer } from '../io/swtpm-server.js';
import { TPM_ALG } from '../types/constants.js';
import { parseTpm2bPublic } from '../types/public.js';
import { Tools } from '../test-support/tpm2-tools.js';

let stateDir: string;
let work: string;
let server: TpmServer;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'tl-tpmstate-'));
  work = mkdtempSync(join(tmpdir(), 'tl-tools-'));
  server = await startTpmServer({ port: 0, stateDir });
});

afterAll(async () => {
  await server?.close();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/**
 * Every case runs in its own directory with its own objects (so `vitest -t '<case>'` runs any
 * one alone): `t` runs the tools there against the current server, `file`/`write` read and write
 * its files.
 */
interface Workspace {
  dir: string;
  t: Tools;
  file(name: string): Uint8Array;
  write(name: string, data: string | Uint8Array): void;
}

function workspace(tag: string): Workspace {
  const dir = mkdtempSync(join(work, `${tag}-`));
  return {
    dir,
    t: new Tools('127.0.0.1', server.port, dir),
    file: (name) => new Uint8Array(readFileSync(join(dir, name))),
    write: (name, data) => writeFileSync(join(dir, name), data),
  };
}

/** The RSA EK (ek.ctx, ek.pub) and an RSA AK under it (ak.ctx, ak.pub, ak.name, ak.priv), as tpm2_createek/createak make them. */
async function ekAndAk(w: Workspace): Promise<void> {
  await w.t.ok('tpm2_createek', '-c', 'ek.ctx', '-G', 'rsa', '-u', 'ek.pub');
  await w.t.ok('tpm2_flushcontext', '-t');
  await w.t.ok('tpm2_createak', '-C', 'ek.ctx', '-c', 'ak.ctx', '-G', 'rsa', '-g', 'sha256', '-s', 'rsassa', '-u', 'ak.pub', '-n', 'ak.name', '-r', 'ak.priv');
  await w.t.flush();
}

describe('tpm2-tools against the simulator', () => {
  it('reads PCR 0 as started at locality 3 and extends PCR 16', async () => {
    const { t } = workspace('pcr');
    const pcr0 = await t.ok('tpm2_pcrread', 'sha256:0');
    expect(pcr0).toMatch(/0 : 0x0{62}03\b/);
    // PCR 16 (debug, resettable at locality 0) from zero, whatever ran before.
    await t.ok('tpm2_pcrreset', '16');
    expect(await t.ok('tpm2_pcrread', 'sha256:16')).toMatch(/16: 0x0{64}/);
    try {
      await t.ok('tpm2_pcrextend', '16:sha256=' + '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
      // SHA256(0^32 ‖ SHA256("hello")) — the value the reference doc checked on swtpm.
      expect(await t.ok('tpm2_pcrread', 'sha256:16')).toMatch(/16: 0x9851312028952521510E8EAAB5BE94E7DC24B5FC292B2E9781173CF11FFA9878/);
    } finally {
      await t.run('tpm2_pcrreset', '16');
    }
  });

  it('reads the EK certificate with tpm2_nvread; tpm2_createek returns the certified key', async () => {
    const { t, file } = workspace('ek');
    const pub = await t.ok('tpm2_nvreadpublic', '0x1c00002');
    expect(pub).toMatch(/value: 0x62072001/);
    await t.ok('tpm2_nvread', '0x1c00002', '-C', 'o', '-o', 'ek_cert.der');
    const cert = new X509Certificate(file('ek_cert.der'));
    expect(cert.checkIssued(new X509Certificate(server.ca!.certificate))).toBe(true);
    expect(cert.verify(new X509Certificate(server.ca!.certificate).publicKey)).toBe(true);
    await t.ok('tpm2_createek', '-c', 'ek.ctx', '-G', 'rsa', '-u', 'ek.pub');
    await t.ok('tpm2_flushcontext', '-t');
    const ek = parseTpm2bPublic(file('ek.pub'));
    expect(publicKeyOf(ek).export({ format: 'jwk' }).n).toBe(cert.publicKey.export({ format: 'jwk' }).n);
    // The ECC EK (TCG template L-2) and its certificate at 0x01C0000A.
    await t.ok('tpm2_createek', '-c', 'ekecc.ctx', '-G', 'ecc', '-u', 'ekecc.pub');
    await t.ok('tpm2_flushcontext', '-t');
    await t.ok('tpm2_nvread', '0x1c0000a', '-C', 'o', '-o', 'ek_ecc_cert.der');
    const eccCert = new X509Certificate(file('ek_ecc_cert.der'));
    expect(publicKeyOf(parseTpm2bPublic(file('ekecc.pub'))).export({ format: 'jwk' })).toEqual(eccCert.publicKey.export({ format: 'jwk' }));
  });

  it('creates an AK under the EK, quotes, and tpm2_checkquote and our verifier accept the quote', async () => {
    const w = workspace('quote');
    const { t, file } = w;
    await ekAndAk(w);
    await t.ok('tpm2_readpublic', '-c', 'ak.ctx', '-f', 'pem', '-o', 'ak.pem');
    await t.ok('tpm2_flushcontext', '-t');
    const nonce = randomBytes(16).toString('hex');
    await t.ok('tpm2_quote', '-c', 'ak.ctx', '-l', 'sha256:0,1,2,3,4,5,6,7,16', '-q', nonce, '-m', 'quote.msg', '-s', 'quote.sig', '-o', 'quote.pcrs', '-g', 'sha256');
    await t.ok('tpm2_flushcontext', '-t');
    expect((await t.run('tpm2_checkquote', '-u', 'ak.pem', '-m', 'quote.msg', '-s', 'quote.sig', '-f', 'quote.pcrs', '-g', 'sha256', '-q', nonce)).code).toBe(0);
    const wrong = await t.run('tpm2_checkquote', '-u', 'ak.pem', '-m', 'quote.msg', '-s', 'quote.sig', '-f', 'quote.pcrs', '-g', 'sha256', '-q', 'deadbeef');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/nonce/);
    const ak = parseTpm2bPublic(file('ak.pub'));
    expect(verifyQuote({ akPublic: ak, quoted: file('quote.msg'), signature: file('quote.sig'), nonce: fromHex(nonce) }).problems).toEqual([]);
    const tampered = file('quote.msg');
    tampered[tampered.length - 1]! ^= 0x01;
    w.write('tampered.msg', tampered);
    expect((await t.run('tpm2_checkquote', '-u', 'ak.pem', '-m', 'tampered.msg', '-s', 'quote.sig', '-f', 'quote.pcrs', '-g', 'sha256', '-q', nonce)).code).not.toBe(0);
  });

  it('quotes with an ECC P-256 AK (ECDSA/SHA-256), the platform\'s default; tpm2_checkquote checks signature, nonce and PCRs', async () => {
    // Its own EK and AK (ECC), and PCR 23 (resettable at locality 0) put back to zero at the end.
    const { t: e, file: at, write } = workspace('ecc');
    const pcrs = 'sha256:0,1,2,3,4,5,6,7,23';
    // `N : 0xHEX` lines of tpm2_pcrread / tpm2_checkquote output, by PCR index.
    const values = (out: string) => new Map([...out.matchAll(/^\s*(\d+)\s*:\s*0x([0-9A-Fa-f]{64})$/gm)].map((m) => [Number(m[1]), m[2]!.toLowerCase()]));
    try {
      await e.ok('tpm2_createek', '-c', 'ek.ctx', '-G', 'ecc', '-u', 'ek.pub');
      await e.ok('tpm2_createak', '-C', 'ek.ctx', '-c', 'ak.ctx', '-G', 'ecc', '-g', 'sha256', '-s', 'ecdsa', '-u', 'ak.pub', '-n', 'ak.name', '-r', 'ak.priv');
      await e.flush();
      await e.ok('tpm2_readpublic', '-c', 'ak.ctx', '-f', 'pem', '-o', 'ak.pem');
      await e.ok('tpm2_flushcontext', '-t');
      const ak = parseTpm2bPublic(at('ak.pub'));
      expect(publicKeyOf(ak).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      // A non-zero, unpredictable PCR in the selection, so matching values mean something.
      await e.ok('tpm2_pcrextend', '23:sha256=' + randomBytes(32).toString('hex'));
      const nonce = randomBytes(16).toString('hex');
      await e.ok('tpm2_quote', '-c', 'ak.ctx', '-l', pcrs, '-q', nonce, '-m', 'quote.msg', '-s', 'quote.sig', '-o', 'quote.pcrs', '-g', 'sha256');
      await e.ok('tpm2_flushcontext', '-t');
      const read = values(await e.ok('tpm2_pcrread', pcrs));
      expect([...read.keys()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 23]);
      expect(read.get(23)).not.toBe('0'.repeat(64));

      const check = (...args: string[]) => e.run('tpm2_checkquote', '-g', 'sha256', ...args);
      const good = ['-m', 'quote.msg', '-s', 'quote.sig', '-f', 'quote.pcrs', '-q', nonce];
      const pem = await check('-u', 'ak.pem', ...good);
      expect(pem.stderr).toBe('');
      expect(pem.code).toBe(0);
      expect((await check('-u', 'ak.pub', ...good)).code).toBe(0);
      // The PCR values the TPM quoted are the ones tpm2_pcrread reads.
      expect(values(pem.stdout.slice(pem.stdout.indexOf('pcrs:')))).toEqual(read);

      // Our verifier agrees, and the signed pcrDigest is SHA-256 over tpm2_pcrread's values.
      const byIndex = Object.fromEntries([...read].map(([i, v]) => [i, fromHex(v)]));
      const ours = verifyQuote({ akPublic: ak, quoted: at('quote.msg'), signature: at('quote.sig'), nonce: fromHex(nonce), pcrValues: { [TPM_ALG.SHA256]: byIndex }, expectedHashAlg: TPM_ALG.SHA256 });
      expect(ours.problems).toEqual([]);
      expect(ours.signature?.sigAlg).toBe(TPM_ALG.ECDSA);
      const digest = createHash('sha256').update(Buffer.concat([...read.values()].map((v) => Buffer.from(v, 'hex')))).digest('hex');
      expect(toHex(ours.attest!.attested.pcrDigest)).toBe(digest);

      // A changed nonce.
      const otherNonce = (nonce.slice(0, -1) + (nonce.endsWith('0') ? '1' : '0'));
      const wrongNonce = await check('-u', 'ak.pem', '-m', 'quote.msg', '-s', 'quote.sig', '-f', 'quote.pcrs', '-q', otherNonce);
      expect(wrongNonce.code).not.toBe(0);
      expect(wrongNonce.stderr).toMatch(/nonce/);
      expect(verifyQuote({ akPublic: ak, quoted: at('quote.msg'), signature: at('quote.sig'), nonce: fromHex(otherNonce) }).problems.map((p) => p.code)).toEqual(['nonce']);

      // One flipped bit in clockInfo, a field only the signature covers.
      const msg = at('quote.msg');
      const clockAt = 4 + 2 + 2 + ours.attest!.qualifiedSigner.length + 2 + ours.attest!.extraData.length;
      msg[clockAt + 7]! ^= 0x01;
      write('tampered.msg', msg);
      const tampered = await check('-u', 'ak.pem', '-m', 'tampered.msg', '-s', 'quote.sig', '-f', 'quote.pcrs', '-q', nonce);
      expect(tampered.code).not.toBe(0);
      expect(tampered.stderr).toMatch(/validating signed message with public key/);
      expect(verifyQuote({ akPublic: ak, quoted: msg, signature: at('quote.sig'), nonce: fromHex(nonce) }).problems.map((p) => p.code)).toEqual(['signature']);

      // Another P-256 key.
      write('other.pem', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
      const otherKey = await check('-u', 'other.pem', ...good);
      expect(otherKey.code).not.toBe(0);
      expect(otherKey.stderr).toMatch(/validating signed message with public key/);

      // PCR 23 moved on after the quote: the values read now no longer match the signed digest.
      await e.ok('tpm2_pcrextend', '23:sha256=' + randomBytes(32).toString('hex'));
      await e.ok('tpm2_pcrread', '-o', 'now.pcrs', pcrs);
      const stale = await check('-u', 'ak.pem', '-m', 'quote.msg', '-s', 'quote.sig', '-f', 'now.pcrs', '-q', nonce);
      expect(stale.code).not.toBe(0);
      expect(stale.stderr).toMatch(/PCR values failed to match/);
    } finally {
      await e.run('tpm2_pcrreset', '23');
      await e.run('tpm2_flushcontext', '-t');
    }
  });

  it('activates credentials made by tpm2_makecredential, in software and in the TPM', async () => {
    const w = workspace('cred');
    const { t, file } = w;
    await ekAndAk(w);
    w.write('secret.bin', randomBytes(32));
    const akName = toHex(file('ak.name'));
    await t.ok('tpm2_makecredential', '-T', 'none', '-u', 'ek.pub', '-s', 'secret.bin', '-n', akName, '-o', 'cred.blob');
    await t.ok('tpm2_makecredential', '-u', 'ek.pub', '-s', 'secret.bin', '-n', akName, '-o', 'cred2.blob');
    await t.flush();
    for (const blob of ['cred.blob', 'cred2.blob']) {
      await t.ok('tpm2_startauthsession', '--policy-session', '-S', 'session.ctx');
      expect(await t.ok('tpm2_policysecret', '-S', 'session.ctx', '-c', 'e')).toMatch(/^837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa/);
      await t.ok('tpm2_activatecredential', '-c', 'ak.ctx', '-C', 'ek.ctx', '-i', blob, '-o', `recovered-${blob}`, '-P', 'session:session.ctx');
      await t.ok('tpm2_flushcontext', 'session.ctx');
      await t.flush();
      expect(toHex(file(`recovered-${blob}`))).toBe(toHex(file('secret.bin')));
    }
  });

  it('runs salted and bound sessions with parameter encryption (tpm2_startauthsession/sessionconfig)', async () => {
    const w = workspace('sessions');
    const { t, file } = w;
    await t.ok('tpm2_createek', '-c', 'ek.ctx', '-G', 'rsa', '-u', 'ek.pub');
    await t.ok('tpm2_flushcontext', '-t');
    await t.ok('tpm2_startauthsession', '--hmac-session', '-c', 'ek.ctx', '-S', 'salted.ctx');
    await t.ok('tpm2_sessionconfig', 'salted.ctx', '--enable-encrypt', '--enable-decrypt');
    expect(await t.ok('tpm2_getrandom', '-S', 'salted.ctx', '--hex', '16')).toMatch(/^[0-9a-f]{32}$/);
    await t.ok('tpm2_nvdefine', '0x1500020', '-C', 'o', '-s', '16', '-a', 'authread|authwrite', '-p', 'nvpw');
    w.write('nv.bin', '0123456789abcdef');
    await t.ok('tpm2_nvwrite', '0x1500020', '-P', 'session:salted.ctx+nvpw', '-i', 'nv.bin');
    await t.ok('tpm2_nvread', '0x1500020', '-P', 'session:salted.ctx+nvpw', '-o', 'nv.out');
    expect(Buffer.from(file('nv.out')).toString()).toBe('0123456789abcdef');
    expect((await t.run('tpm2_nvread', '0x1500020', '-P', 'wrong')).code).not.toBe(0);
    await t.ok('tpm2_nvundefine', '0x1500020', '-C', 'o');
    await t.ok('tpm2_flushcontext', 'salted.ctx');
    await t.ok('tpm2_startauthsession', '--hmac-session', '-S', 'bound.ctx', '--bind-context', 'o');
    await t.ok('tpm2_sessionconfig', 'bound.ctx', '--enable-encrypt');
    await t.ok('tpm2_createprimary', '-C', 'o', '-c', 'primary.ctx', '-P', 'session:bound.ctx');
    await t.ok('tpm2_flushcontext', 'bound.ctx');
    await t.flush();
  });

  it('refuses tpm2_activatecredential without the EK policy', async () => {
    const w = workspace('nopolicy');
    const { t, file } = w;
    await ekAndAk(w);
    w.write('secret.bin', randomBytes(32));
    await t.ok('tpm2_makecredential', '-T', 'none', '-u', 'ek.pub', '-s', 'secret.bin', '-n', toHex(file('ak.name')), '-o', 'cred.blob');
    const r = await t.run('tpm2_activatecredential', '-c', 'ak.ctx', '-C', 'ek.ctx', '-i', 'cred.blob', '-o', 'nope.bin');
    await t.flush();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/authorization|0x12f|0x9\d\d/i);
  });

  it('keeps the EK and its certificate across a server restart (--state DIR)', async () => {
    const w = workspace('restart');
    const { file } = w;
    let { t } = w;
    await ekAndAk(w);
    await t.ok('tpm2_nvread', '0x1c00002', '-C', 'o', '-o', 'ek_cert.der');
    expect(await t.ok('tpm2_getcap', 'handles-persistent')).not.toMatch(/0x81010010/);
    await t.ok('tpm2_evictcontrol', '-C', 'o', '-c', 'ak.ctx', '0x81010010');
    await t.flush();
    // A PCR that is not zero before the power cycle.
    await t.ok('tpm2_pcrextend', '16:sha256=' + randomBytes(32).toString('hex'));
    expect(await t.ok('tpm2_pcrread', 'sha256:16')).not.toMatch(/16: 0x0{64}/);
    await server.close();
    server = await startTpmServer({ port: 0, stateDir });
    t = new Tools('127.0.0.1', server.port, w.dir);
    await t.ok('tpm2_nvread', '0x1c00002', '-C', 'o', '-o', 'ek_cert2.der');
    expect(toHex(file('ek_cert2.der'))).toBe(toHex(file('ek_cert.der')));
    await t.ok('tpm2_createek', '-c', 'ek2.ctx', '-G', 'rsa', '-u', 'ek2.pub');
    await t.flush();
    expect(toHex(file('ek2.pub'))).toBe(toHex(file('ek.pub')));
    expect(await t.ok('tpm2_getcap', 'handles-persistent')).toMatch(/0x81010010/);
    // PCRs were reset by the power cycle.
    expect(await t.ok('tpm2_pcrread', 'sha256:16')).toMatch(/16: 0x0{64}/);
    // Leave the TPM as found: the persistent AK goes.
    await t.ok('tpm2_evictcontrol', '-C', 'o', '-c', '0x81010010');
    expect(await t.ok('tpm2_getcap', 'handles-persistent')).not.toMatch(/0x81010010/);
  });
});
