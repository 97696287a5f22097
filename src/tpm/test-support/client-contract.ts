/**
 * One contract for every TPM behind a Transport (DESIGN.md §5 "one shared contract suite for
 * each interface with several implementations"): the same TpmClient flows must pass against
 * swtpm (interop/client-swtpm.test.ts) and against our simulator (sim/client-sim.test.ts).
 * The TPM must be manufactured like swtpm_setup does: RSA EK persisted at 0x81010001 with its
 * certificate at 0x01C00002, NV_BUFFER_MAX 1024, 24 PCRs, SHA-1 and SHA-256 banks.
 */
import { X509Certificate, randomBytes } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bytesEqual, toHex } from '../../core/bytes.js';
import { hash } from '../../core/hash.js';
import type { TpmClient } from '../client/client.js';
import { akTemplate, EK_CERT_NV, ekTemplateRsa, PERSISTENT, srkTemplate } from '../manufacture/templates.js';
import { handleName, objectName } from '../crypto/name.js';
import { makeCredential } from '../crypto/make-credential.js';
import { verifyQuote } from '../crypto/quote.js';
import { publicKeyOf } from '../crypto/keys.js';
import { TPM_ALG, TPM_PT, TPM_RH, TPM_SE, TPM_ST, TPMA_OBJECT, TPMA_SESSION } from '../types/constants.js';
import { decodeRc, TPM_RC, TpmError } from '../rc.js';
import { verifyMessage } from '../crypto/sign.js';
import { hmac as hmacOf } from '../crypto/symmetric.js';
import { pcrDigest } from '../crypto/pcr-digest.js';
import { policyAuthValue, policyCommandCode, policyPcr, policyStart } from '../crypto/policy.js';
import type { TPMT_PUBLIC } from '../types/public.js';
import { pcrSelection } from '../types/pcr.js';
import { SYM_AES_128_CFB } from '../types/schemes.js';

/** An unrestricted HMAC key with `authPolicy`; usable with its authValue too when `userWithAuth`. */
function hmacKeyTemplate(alg: number, authPolicy: Uint8Array, userWithAuth: boolean): TPMT_PUBLIC {
  return {
    type: TPM_ALG.KEYEDHASH,
    nameAlg: alg,
    objectAttributes: TPMA_OBJECT.fixedTPM | TPMA_OBJECT.fixedParent | TPMA_OBJECT.sign | TPMA_OBJECT.noDA | (userWithAuth ? TPMA_OBJECT.userWithAuth : 0),
    authPolicy,
    parameters: { scheme: { scheme: TPM_ALG.HMAC, hashAlg: alg, kdf: TPM_ALG.NULL } },
    unique: new Uint8Array(0),
  };
}

/** Expect a TpmError whose canonical code is `base` (the message names both codes on failure). */
async function expectRc(p: Promise<unknown>, base: number): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e instanceof TpmError ? decodeRc(e.rc).name : String(e)).toBe(decodeRc(base).name);
}

export function clientContract(name: string, get: () => TpmClient): void {
  describe(`TpmClient contract: ${name}`, () => {
  let client: TpmClient;
  beforeAll(() => {
    client = get();
  });
  // Like `tpm2_flushcontext -t -l -s` between tools: each test starts with free slots.
  beforeEach(async () => {
    for (const range of [0x80000000, 0x02000000, 0x03000000]) for (const h of await client.getHandles(range)) await client.flushContext(h);
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

  it('uses an unsalted session bound to the owner, for the owner and for another hierarchy', async () => {
    const s = await client.startAuthSession({ type: TPM_SE.HMAC, bind: { handle: TPM_RH.OWNER, name: handleName(TPM_RH.OWNER), authValue: new Uint8Array(0) } });
    const a = await client.createPrimary(TPM_RH.OWNER, srkTemplate('ecc'), { authorization: { session: s } });
    await client.flushContext(a.handle);
    const b = await client.createPrimary(TPM_RH.ENDORSEMENT, srkTemplate('ecc'), { authorization: { session: s } });
    await client.flushContext(b.handle);
    await client.flushSession(s);
  });

  it('lists persistent handles', async () => {
    const handles = await client.getHandles(0x81000000);
    expect(handles).toContain(PERSISTENT.EK_RSA);
  });

  it('certifies an object and its creation data (TPM2_Certify, TPM2_CertifyCreation)', async () => {
    const srk = await client.createPrimary(TPM_RH.OWNER, srkTemplate('ecc'));
    const akTpl = akTemplate('ecc');
    const ak = await client.create(srk.handle, akTpl);
    const loaded = await client.load(srk.handle, ak.outPrivate, ak.outPublic);
    const nonce = new Uint8Array(randomBytes(16));
    const c = await client.certify(loaded.handle, loaded.handle, nonce);
    expect(verifyMessage(ak.outPublic, c.quoted, c.signature)).toBe(true);
    expect(c.attest.type).toBe(TPM_ST.ATTEST_CERTIFY);
    if (c.attest.type === TPM_ST.ATTEST_CERTIFY) expect(toHex(c.attest.attested.name)).toBe(toHex(loaded.name));
    const cc = await client.certifyCreation(loaded.handle, loaded.handle, nonce, ak.creationHash, ak.creationTicket);
    expect(verifyMessage(ak.outPublic, cc.quoted, cc.signature)).toBe(true);
    if (cc.attest.type === TPM_ST.ATTEST_CREATION) expect(toHex(cc.attest.attested.creationHash)).toBe(toHex(ak.creationHash));
    const badTicket = { ...ak.creationTicket, digest: ak.creationTicket.digest.map((b) => b ^ 1) };
    await expectRc(client.certifyCreation(loaded.handle, loaded.handle, nonce, ak.creationHash, badTicket), TPM_RC.TICKET);
    await client.flushContext(loaded.handle);
    await client.flushContext(srk.handle);
  });

  it('signs with a restricted key only with a TPM2_Hash ticket, and verifies signatures', async () => {
    const srk = await client.createPrimary(TPM_RH.OWNER, srkTemplate('ecc'));
    const ak = await client.create(srk.handle, akTemplate('ecc'));
    const k = await client.load(srk.handle, ak.outPrivate, ak.outPublic);
    const data = new TextEncoder().encode('data to sign');
    const h = await client.hash(data, TPM_ALG.SHA256);
    expect(toHex(h.outHash)).toBe(toHex(hash(TPM_ALG.SHA256, data)));
    const sig = await client.sign(k.handle, h.outHash, { validation: h.validation });
    expect(verifyMessage(ak.outPublic, data, sig)).toBe(true);
    await expectRc(client.sign(k.handle, h.outHash), TPM_RC.TICKET);
    // TPM-generated data gets no ticket: a restricted key cannot be tricked into signing a fake quote.
    const fake = await client.hash(new Uint8Array([0xff, 0x54, 0x43, 0x47, 1, 2, 3]), TPM_ALG.SHA256);
    expect(fake.validation.digest.length).toBe(0);
    const ticket = await client.verifySignature(k.handle, h.outHash, sig);
    expect(ticket.tag).toBe(TPM_ST.VERIFIED);
    await expectRc(client.verifySignature(k.handle, hash(TPM_ALG.SHA256, new Uint8Array([1])), sig), TPM_RC.SIGNATURE);
    await client.flushContext(k.handle);
    await client.flushContext(srk.handle);
  });

  it('computes HMACs with a keyed-hash key and honours PolicyAuthValue and PolicyPCR', async () => {
    const srk = await client.createPrimary(TPM_RH.OWNER, srkTemplate('ecc'));
    const key = new Uint8Array(randomBytes(32));
    const auth = new TextEncoder().encode('key-auth');
    const tpl = hmacKeyTemplate(TPM_ALG.SHA256, policyAuthValue(TPM_ALG.SHA256, policyStart(TPM_ALG.SHA256)), true);
    const created = await client.create(srk.handle, tpl, { data: key, userAuth: auth });
    const k = await client.load(srk.handle, created.outPrivate, created.outPublic);
    const msg = new TextEncoder().encode('message');
    expect(toHex(await client.hmac(k.handle, msg, TPM_ALG.NULL, { password: auth }))).toBe(toHex(hmacOf(TPM_ALG.SHA256, key, msg)));
    await expectRc(client.hmac(k.handle, msg, TPM_ALG.NULL, { password: new TextEncoder().encode('nope') }), TPM_RC.BAD_AUTH);
    const s = await client.startAuthSession({ type: TPM_SE.POLICY });
    await client.policyAuthValue(s);
    expect(toHex(await client.policyGetDigest(s))).toBe(toHex(tpl.authPolicy));
    expect(toHex(await client.hmac(k.handle, msg, TPM_ALG.NULL, { session: s, authValue: auth }))).toBe(toHex(hmacOf(TPM_ALG.SHA256, key, msg)));
    await client.flushSession(s);
    await client.flushContext(k.handle);

    const sel = [pcrSelection(TPM_ALG.SHA256, [16])];
    const pcrs = await client.pcrRead(sel);
    const digest = pcrDigest(TPM_ALG.SHA256, pcrs.values, sel);
    const pcrTpl = hmacKeyTemplate(TPM_ALG.SHA256, policyPcr(TPM_ALG.SHA256, policyStart(TPM_ALG.SHA256), sel, digest), false);
    const noPassword = await client.create(srk.handle, pcrTpl, { data: key }).then((c) => client.load(srk.handle, c.outPrivate, c.outPublic));
    await expectRc(client.hmac(noPassword.handle, msg, TPM_ALG.NULL), TPM_RC.AUTH_UNAVAILABLE);
    await client.flushContext(noPassword.handle);
    const c2 = await client.create(srk.handle, pcrTpl, { data: key });
    const k2 = await client.load(srk.handle, c2.outPrivate, c2.outPublic);
    const s2 = await client.startAuthSession({ type: TPM_SE.POLICY });
    await client.policyPcr(s2, sel);
    expect(toHex(await client.policyGetDigest(s2))).toBe(toHex(pcrTpl.authPolicy));
    expect(toHex(await client.hmac(k2.handle, msg, TPM_ALG.NULL, { session: s2 }))).toBe(toHex(hmacOf(TPM_ALG.SHA256, key, msg)));
    await client.policyPcr(s2, sel);
    // Any counted PCR change invalidates the asserted policy (PCR 16 itself is not counted:
    // TPM_PT_PCR_NO_INCREMENT), then a changed PCR 16 no longer satisfies it.
    await client.pcrExtend(15, [{ hashAlg: TPM_ALG.SHA256, digest: hash(TPM_ALG.SHA256, msg) }]);
    await expectRc(client.hmac(k2.handle, msg, TPM_ALG.NULL, { session: s2 }), TPM_RC.PCR_CHANGED);
    await client.pcrExtend(16, [{ hashAlg: TPM_ALG.SHA256, digest: hash(TPM_ALG.SHA256, msg) }]);
    await client.policyRestart(s2);
    await client.policyPcr(s2, sel);
    await expectRc(client.hmac(k2.handle, msg, TPM_ALG.NULL, { session: s2 }), TPM_RC.POLICY_FAIL);
    await client.flushSession(s2);
    await client.flushContext(k2.handle);
    await client.flushContext(srk.handle);
  });

  it('saves and reloads object and session contexts, and persists objects with EvictControl', async () => {
    const srk = await client.createPrimary(TPM_RH.OWNER, srkTemplate('ecc'));
    const ctx = await client.contextSave(srk.handle);
    await client.flushContext(srk.handle);
    const h = await client.contextLoad(ctx);
    expect(toHex((await client.readPublic(h)).name)).toBe(toHex(srk.name));
    const s = await client.startAuthSession({ type: TPM_SE.POLICY });
    await client.policyCommandCode(s, 0x173);
    const sctx = await client.contextSave(s.handle);
    const notLoaded = await client.policyGetDigest(s).catch((e) => e);
    expect(notLoaded).toBeInstanceOf(TpmError);
    expect(await client.contextLoad(sctx)).toBe(s.handle);
    expect(toHex(await client.policyGetDigest(s))).toBe(toHex(policyCommandCode(TPM_ALG.SHA256, policyStart(TPM_ALG.SHA256), 0x173)));
    const replay = await client.contextLoad(sctx).catch((e) => e);
    expect(replay).toBeInstanceOf(TpmError);
    await client.flushSession(s);
    const tampered = { ...ctx, contextBlob: ctx.contextBlob.map((b, i) => (i === ctx.contextBlob.length - 1 ? b ^ 1 : b)) };
    await expectRc(client.contextLoad(tampered), TPM_RC.INTEGRITY);
    await client.evictControl(h, 0x81000099);
    expect(await client.getHandles(0x81000000)).toContain(0x81000099);
    await client.evictControl(0x81000099, 0x81000099);
    expect(await client.getHandles(0x81000000)).not.toContain(0x81000099);
    await client.flushContext(h);
  });

  it('answers misuse with the same response codes', async () => {
    // The EK needs its policy (a password is refused before anything else) and cannot sign.
    await expectRc(client.quote(PERSISTENT.EK_RSA, new Uint8Array(0), []), TPM_RC.AUTH_UNAVAILABLE);
    await expectRc(client.quote(PERSISTENT.EK_RSA, new Uint8Array(0), [], { authorization: { session: await client.ekPolicySession() } }), TPM_RC.KEY);
    // A transient handle beyond the object slots is out of TPMI_DH_OBJECT's range.
    await expectRc(client.readPublic(0x80000005), TPM_RC.VALUE);
    // PCR 0 is not resettable; a transient handle that is not loaded; a missing NV index.
    await expectRc(client.pcrReset(0), TPM_RC.LOCALITY);
    await expectRc(client.flushContext(0x80fffff0), TPM_RC.VALUE);
    await expectRc(client.flushContext(0x80000002), TPM_RC.HANDLE);
    await expectRc(client.nvReadPublic(0x01badbad), TPM_RC.HANDLE);
    // Reading past the end of the EK certificate index.
    const size = (await client.nvReadPublic(EK_CERT_NV.RSA2048)).public.dataSize;
    await expectRc(client.nvRead(EK_CERT_NV.RSA2048, { authHandle: TPM_RH.OWNER, offset: size - 4, size: 8 }), TPM_RC.NV_RANGE);
    // A second TPM2_Startup.
    await expectRc(client.startup(), TPM_RC.INITIALIZE);
  });
  });
}
