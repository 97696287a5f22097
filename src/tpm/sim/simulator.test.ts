import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes.js';
import { hash } from '../../core/hash.js';
import { TpmClient } from '../client/client.js';
import { makeCredential } from '../crypto/make-credential.js';
import { objectName } from '../crypto/name.js';
import { verifyQuote } from '../crypto/quote.js';
import { akTemplate, ekTemplateEcc, ekTemplateRsa } from '../manufacture/templates.js';
import { isRc, TPM_RC } from '../rc.js';
import { TPM_ALG, TPM_RH, TPM_SE } from '../types/constants.js';
import { pcrSelection } from '../types/pcr.js';
import { MemoryNvStore } from './platform.js';
import { TpmSimulator } from './simulator.js';

async function boot(locality = 3) {
  const sim = new TpmSimulator({ nv: new MemoryNvStore() });
  sim.powerOn({ locality });
  await sim.startup();
  sim.setLocality(0);
  return { sim, client: new TpmClient(sim.transport()) };
}

describe('TpmSimulator', () => {
  it('starts at locality 3 with PCR 0 = 00…03 and PCR 17 = ff…ff', async () => {
    const { client } = await boot(3);
    const r = await client.pcrRead([pcrSelection(TPM_ALG.SHA256, [0, 1, 17])]);
    expect(toHex(r.values.get(TPM_ALG.SHA256)!.get(0)!)).toBe('00'.repeat(31) + '03');
    expect(toHex(r.values.get(TPM_ALG.SHA256)!.get(1)!)).toBe('00'.repeat(32));
    expect(toHex(r.values.get(TPM_ALG.SHA256)!.get(17)!)).toBe('ff'.repeat(32));
  });

  it('runs the EK → AK → quote → activate-credential flow (ECC EK)', async () => {
    const { client } = await boot();
    const ek = await client.createPrimary(TPM_RH.ENDORSEMENT, ekTemplateEcc());
    const again = await client.createPrimary(TPM_RH.ENDORSEMENT, ekTemplateEcc());
    expect(toHex(again.name)).toBe(toHex(ek.name));
    await client.flushContext(again.handle);
    const ak = await client.create(ek.handle, akTemplate('ecc'), { authorization: { session: await client.ekPolicySession() } });
    const loaded = await client.load(ek.handle, ak.outPrivate, ak.outPublic, { session: await client.ekPolicySession() });
    expect(toHex(loaded.name)).toBe(toHex(objectName(ak.outPublic)));
    await client.pcrExtend(16, [{ hashAlg: TPM_ALG.SHA256, digest: hash(TPM_ALG.SHA256, new Uint8Array([1])) }]);
    const nonce = new Uint8Array(randomBytes(20));
    const sel = [pcrSelection(TPM_ALG.SHA256, [0, 7, 16])];
    const q = await client.quote(loaded.handle, nonce, sel);
    const pcrs = await client.pcrRead(sel);
    expect(verifyQuote({ akPublic: ak.outPublic, quoted: q.quoted, signature: q.signature, nonce, pcrValues: pcrs.values }).problems).toEqual([]);
    const secret = new Uint8Array(randomBytes(32));
    const cred = makeCredential(ek.outPublic, secret, loaded.name);
    const got = await client.activateCredential(loaded.handle, ek.handle, cred.credentialBlob, cred.secret, { key: { session: await client.ekPolicySession() } });
    expect(toHex(got)).toBe(toHex(secret));
  });

  it('refuses to use the EK with a password (the EK policy is required)', async () => {
    const { client } = await boot();
    const ek = await client.createPrimary(TPM_RH.ENDORSEMENT, ekTemplateEcc());
    const err = await client.create(ek.handle, akTemplate('ecc')).catch((e) => e);
    expect(isRc(err, TPM_RC.AUTH_UNAVAILABLE)).toBe(true);
    const s = await client.startAuthSession({ type: TPM_SE.POLICY, attributes: 0 });
    const err2 = await client.create(ek.handle, akTemplate('ecc'), { authorization: { session: s } }).catch((e) => e);
    expect(isRc(err2, TPM_RC.POLICY_FAIL)).toBe(true);
  });

  it('derives the RSA EK deterministically (off the event loop)', async () => {
    const { client } = await boot();
    const t0 = Date.now();
    const ek = await client.createPrimary(TPM_RH.ENDORSEMENT, ekTemplateRsa());
    const t1 = Date.now();
    await client.flushContext(ek.handle);
    const ek2 = await client.createPrimary(TPM_RH.ENDORSEMENT, ekTemplateRsa());
    const t2 = Date.now();
    expect(toHex(ek2.name)).toBe(toHex(ek.name));
    console.log(`RSA EK derive ${t1 - t0} ms, cached ${t2 - t1} ms`);
  });
});
