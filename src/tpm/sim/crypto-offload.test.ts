/**
 * Attestation signatures computed in the libuv pool (profile.cryptoOffload) are the signatures
 * the event-loop path computes: RSASSA byte for byte, RSAPSS and ECDSA (randomised) verified by
 * node:crypto; quotes and certifications made by offloading simulators verify.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes.js';
import { TpmClient } from '../client/client.js';
import { verifyQuote } from '../crypto/quote.js';
import { signMessage, signMessageAsync, verifyMessage } from '../crypto/sign.js';
import { akTemplate, srkTemplate } from '../manufacture/templates.js';
import { TPM_ALG, TPM_ECC, TPM_RH, TPMA_OBJECT } from '../types/constants.js';
import { pcrSelection } from '../types/pcr.js';
import type { TPMT_PUBLIC } from '../types/public.js';
import { MemoryNvStore } from './platform.js';
import type { TpmProfile } from './profile.js';
import { TpmSimulator } from './simulator.js';

describe('signMessageAsync (libuv pool) and signMessage (event loop)', () => {
  const message = new Uint8Array(randomBytes(129));
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;

  it('RSASSA: identical bytes, equal to node:crypto sign', async () => {
    const scheme = { scheme: TPM_ALG.RSASSA, hashAlg: TPM_ALG.SHA384 };
    const a = await signMessageAsync({ key: rsa, type: TPM_ALG.RSA }, scheme, message);
    const s = signMessage({ key: rsa, type: TPM_ALG.RSA }, scheme, message);
    expect(a.sigAlg).toBe(TPM_ALG.RSASSA);
    expect(a.hash).toBe(TPM_ALG.SHA384);
    expect(toHex(a.sig!)).toBe(toHex(s.sig!));
    expect(toHex(a.sig!)).toBe(toHex(sign('sha384', message, rsa)));
  });

  it('RSAPSS and ECDSA: verified by node:crypto, r and s padded to the curve size', async () => {
    const { n, e } = rsa.export({ format: 'jwk' });
    expect(e).toBe('AQAB'); // 65537, which a TPMT_PUBLIC writes as exponent 0
    const rsaPub = { ...akTemplate('rsa'), unique: new Uint8Array(Buffer.from(n!, 'base64url')) } as TPMT_PUBLIC;
    const pss = await signMessageAsync({ key: rsa, type: TPM_ALG.RSA }, { scheme: TPM_ALG.RSAPSS, hashAlg: TPM_ALG.SHA256 }, message);
    expect(pss.sigAlg).toBe(TPM_ALG.RSAPSS);
    expect(verifyMessage(rsaPub, message, pss)).toBe(true);
    expect(verifyMessage(rsaPub, message.map((b, i) => (i === 0 ? b ^ 1 : b)), pss)).toBe(false);

    const { x, y } = ec.export({ format: 'jwk' });
    const ecPub = {
      ...akTemplate('ecc'),
      parameters: { ...(akTemplate('ecc').parameters as object), curveID: TPM_ECC.NIST_P384 },
      unique: { x: new Uint8Array(Buffer.from(x!, 'base64url')), y: new Uint8Array(Buffer.from(y!, 'base64url')) },
    } as TPMT_PUBLIC;
    const ecdsa = await signMessageAsync({ key: ec, type: TPM_ALG.ECC, curveID: TPM_ECC.NIST_P384 }, { scheme: TPM_ALG.ECDSA, hashAlg: TPM_ALG.SHA384 }, message);
    expect(ecdsa.signatureR!.length).toBe(48);
    expect(ecdsa.signatureS!.length).toBe(48);
    expect(verifyMessage(ecPub, message, ecdsa)).toBe(true);
    expect(verifyMessage(ecPub, message.subarray(1), ecdsa)).toBe(false);
  });
});

async function boot(cryptoOffload: TpmProfile['cryptoOffload']): Promise<TpmClient> {
  const sim = new TpmSimulator({ nv: new MemoryNvStore() }, { profile: { cryptoOffload } });
  sim.powerOn({ locality: 3 });
  await sim.startup();
  sim.setLocality(0);
  return new TpmClient(sim.transport());
}

describe('quotes and certifications signed in the libuv pool', () => {
  const sel = [pcrSelection(TPM_ALG.SHA256, [0, 7, 16])];
  for (const offload of ['rsa', 'always'] as const) {
    it(`cryptoOffload '${offload}': RSASSA and ECDSA AK quotes, an RSAPSS quote and a certification verify`, async () => {
      const c = await boot(offload);
      const srk = await c.createPrimary(TPM_RH.OWNER, srkTemplate('ecc'));
      const nonce = new Uint8Array(randomBytes(16));
      for (const type of ['rsa', 'ecc'] as const) {
        const ak = await c.create(srk.handle, akTemplate(type));
        const { handle } = await c.load(srk.handle, ak.outPrivate, ak.outPublic);
        const q = await c.quote(handle, nonce, sel);
        const pcrs = await c.pcrRead(sel);
        expect(verifyQuote({ akPublic: ak.outPublic, quoted: q.quoted, signature: q.signature, nonce, pcrValues: pcrs.values }).problems).toEqual([]);
        expect(q.signature.sigAlg).toBe(type === 'rsa' ? TPM_ALG.RSASSA : TPM_ALG.ECDSA);
        await c.flushContext(handle);
      }
      // An unrestricted RSA signing key without a scheme: the caller picks RSAPSS.
      const plain = { ...akTemplate('rsa', TPMA_OBJECT.sign | TPMA_OBJECT.userWithAuth | TPMA_OBJECT.sensitiveDataOrigin | TPMA_OBJECT.fixedTPM | TPMA_OBJECT.fixedParent) };
      plain.parameters = { ...(plain.parameters as object), scheme: { scheme: TPM_ALG.NULL, hashAlg: TPM_ALG.NULL } } as never;
      const key = await c.create(srk.handle, plain);
      const { handle } = await c.load(srk.handle, key.outPrivate, key.outPublic);
      const pss = await c.quote(handle, nonce, sel, { scheme: { scheme: TPM_ALG.RSAPSS, hashAlg: TPM_ALG.SHA256 } });
      expect(pss.signature.sigAlg).toBe(TPM_ALG.RSAPSS);
      expect(verifyQuote({ akPublic: key.outPublic, quoted: pss.quoted, signature: pss.signature, nonce }).problems).toEqual([]);
      const cert = await c.certify(handle, handle, nonce, { scheme: { scheme: TPM_ALG.RSASSA, hashAlg: TPM_ALG.SHA384 } });
      expect(cert.signature.hash).toBe(TPM_ALG.SHA384);
      expect(verifyMessage(key.outPublic, cert.quoted, cert.signature)).toBe(true);
    });
  }
});
