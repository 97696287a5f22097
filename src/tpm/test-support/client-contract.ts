/**
 * One contract for every TPM behind a Transport (DESIGN.md §5 "one shared contract suite for
 * each interface with several implementations"): the same TpmClient flows must pass against
 * swtpm (interop/client-swtpm.test.ts) and against our simulator (sim/client-sim.test.ts).
 * The TPM must be manufactured like swtpm_setup does: RSA EK persisted at 0x81010001 with its
 * certificate at 0x01C00002, NV_BUFFER_MAX 1024, 24 PCRs, SHA-1 and SHA-256 banks.
 */
import { X509Certificate, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesEqual, toHex } from '../../core/bytes.js';
import { hash } from '../../core/hash.js';
import type { TpmClient } from '../client/client.js';
import { akTemplate, EK_CERT_NV, ekTemplateRsa, PERSISTENT } from '../manufacture/templates.js';
import { objectName } from '../crypto/name.js';
import { makeCredential } from '../crypto/make-credential.js';
import { verifyQuote } from '../crypto/quote.js';
import { publicKeyOf } from '../crypto/keys.js';
import { TPM_ALG, TPM_PT, TPM_RH, TPM_SE, TPMA_SESSION } from '../types/constants.js';
import { pcrSelection } from '../types/pcr.js';
import { SYM_AES_128_CFB } from '../types/schemes.js';

export function clientContract(name: string, get: () => TpmClient): void {
  describe(`TpmClient contract: ${name}`, () => {
  let client: TpmClient;
  beforeAll(() => {
    client = get();
  });

  it('reads fixed properties', async () => {
    const props = await client.getProperties();
    expect(props.get(TPM_PT.FAMILY_INDICATOR)).toBe(0x322e3000); // "2.0\0"
    expect(props.get(TPM_PT.NV_BUFFER_MAX)).toBe(1024);
    expect(props.get(TPM_PT.PCR_COUNT)).toBe(24);
  });

  it('extends and reads PCR 16 in both banks', async () => {
    const before = await client.pcrRead([pcrSelection(TPM_ALG.SHA1, [16]), pcrSelection(TPM_ALG.SHA256, [16])]);
    const d1 = hash(TPM_ALG.SHA1, new TextEncoder().encode('hello'));
    const d256 = hash(TPM_ALG.SHA256, new TextEncoder().encode('hello'));
    await client.pcrExtend(16, [
      { hashAlg: TPM_ALG.SHA1, digest: d1 },
      { hashAlg: TPM_ALG.SHA256, digest: d256 },
    ]);
    const after = await client.pcrRead([pcrSelection(TPM_ALG.SHA1, [16]), pcrSelection(TPM_ALG.SHA256, [16])]);
    expect(toHex(after.values.get(TPM_ALG.SHA256)!.get(16)!)).toBe(toHex(hash(TPM_ALG.SHA256, before.values.get(TPM_ALG.SHA256)!.get(16)!, d256)));
    expect(toHex(after.values.get(TPM_ALG.SHA1)!.get(16)!)).toBe(toHex(hash(TPM_ALG.SHA1, before.values.get(TPM_ALG.SHA1)!.get(16)!, d1)));
  });

  it('reads all 24 PCRs of two banks in several PCR_Read rounds', async () => {
    const all = Array.from({ length: 24 }, (_, i) => i);
    const r = await client.pcrRead([pcrSelection(TPM_ALG.SHA1, all), pcrSelection(TPM_ALG.SHA256, all)]);
    expect(r.values.get(TPM_ALG.SHA1)!.size).toBe(24);
    expect(r.values.get(TPM_ALG.SHA256)!.size).toBe(24);
  });

  it('creates the RSA EK from the TCG template: it matches the persisted EK and the EK certificate', async () => {
    const ek = await client.createPrimary(TPM_RH.ENDORSEMENT, ekTemplateRsa());
    expect(toHex(ek.name)).toBe(toHex(objectName(ek.outPublic)));
    const persisted = await client.readPublic(PERSISTENT.EK_RSA);
    expect(toHex(persisted.name)).toBe(toHex(ek.name));
    const der = await client.readEkCertificate(EK_CERT_NV.RSA2048);
    const cert = new X509Certificate(der);
    const certKey = cert.publicKey.export({ format: 'jwk' });
    const ekKey = publicKeyOf(ek.outPublic).export({ format: 'jwk' });
    expect(certKey.n).toBe(ekKey.n);
    await client.flushContext(ek.handle);
  });

  it('reads the EK certificate through an HMAC session (as tpm2_nvread does)', async () => {
    const s = await client.startAuthSession({ type: TPM_SE.HMAC });
    const viaSession = await client.nvRead(EK_CERT_NV.RSA2048, { authHandle: TPM_RH.OWNER, authorization: { session: s } });
    const viaPassword = await client.readEkCertificate();
    expect(bytesEqual(viaSession, viaPassword)).toBe(true);
    await client.flushSession(s);
  });

  it('creates an AK under the EK policy, quotes, and activates a credential', async () => {
    const ek = await client.createPrimary(TPM_RH.ENDORSEMENT, ekTemplateRsa());
    const s1 = await client.ekPolicySession();
    const ak = await client.create(ek.handle, akTemplate('rsa'), { authorization: { session: s1 } });
    const s2 = await client.ekPolicySession();
    const loaded = await client.load(ek.handle, ak.outPrivate, ak.outPublic, { session: s2 });
    expect(toHex(loaded.name)).toBe(toHex(objectName(ak.outPublic)));

    const nonce = new Uint8Array(randomBytes(16));
    const sel = [pcrSelection(TPM_ALG.SHA256, [0, 1, 2, 3, 4, 5, 6, 7, 16])];
    const q = await client.quote(loaded.handle, nonce, sel);
    const pcrs = await client.pcrRead(sel);
    const ok = verifyQuote({ akPublic: ak.outPublic, quoted: q.quoted, signature: q.signature, nonce, pcrValues: pcrs.values });
    expect(ok.problems).toEqual([]);
    const tampered = q.quoted.slice();
    tampered[tampered.length - 1]! ^= 1;
    const bad = verifyQuote({ akPublic: ak.outPublic, quoted: tampered, signature: q.signature, nonce, pcrValues: pcrs.values });
    expect(bad.problems.map((p) => p.code)).toContain('signature');
    const wrongNonce = verifyQuote({ akPublic: ak.outPublic, quoted: q.quoted, signature: q.signature, nonce: new Uint8Array(16), pcrValues: pcrs.values });
    expect(wrongNonce.problems.map((p) => p.code)).toEqual(['nonce']);

    const secret = new Uint8Array(randomBytes(32));
    const cred = makeCredential(ek.outPublic, secret, loaded.name);
    const s3 = await client.ekPolicySession();
    const got = await client.activateCredential(loaded.handle, ek.handle, cred.credentialBlob, cred.secret, { key: { session: s3 } });
    expect(toHex(got)).toBe(toHex(secret));
    await client.flushContext(loaded.handle);
    await client.flushContext(ek.handle);
  });

  it('uses a salted, bound session with parameter encryption both ways', async () => {
    const ek = await client.createPrimary(TPM_RH.ENDORSEMENT, ekTemplateRsa());
    const s = await client.startAuthSession({
      type: TPM_SE.HMAC,
      tpmKey: { handle: ek.handle, public: ek.outPublic },
      bind: { handle: TPM_RH.OWNER, name: new Uint8Array([0x40, 0, 0, 1]), authValue: new Uint8Array(0) },
      symmetric: SYM_AES_128_CFB,
      attributes: TPMA_SESSION.continueSession | TPMA_SESSION.decrypt | TPMA_SESSION.encrypt,
    });
    const index = 0x01500017;
    const auth = new TextEncoder().encode('nvpass');
    await client.nvDefineSpace(
      { nvIndex: index, nameAlg: TPM_ALG.SHA256, attributes: 0x00040004 | 0x00020002, authPolicy: new Uint8Array(0), dataSize: 64 },
      { auth, authorization: { session: s } },
    );
    const data = new Uint8Array(randomBytes(64));
    await client.nvWrite(index, data, { authorization: { session: s, authValue: auth } });
    const back = await client.nvRead(index, { authorization: { session: s, authValue: auth } });
    expect(toHex(back)).toBe(toHex(data));
    await client.nvUndefineSpace(index, { authorization: { session: s } });
    await client.flushSession(s);
    await client.flushContext(ek.handle);
  });

  it('lists persistent handles', async () => {
    const handles = await client.getHandles(0x81000000);
    expect(handles).toContain(PERSISTENT.EK_RSA);
  });
});
}
