import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extendedKeyUsage, keyUsage, parseCertificate, subjectAltNames, toPem } from '../../core/asn1/index.js';
import { toHex } from '../../core/bytes.js';
import { TpmClient } from '../client/client.js';
import { makeCredential } from '../crypto/make-credential.js';
import { verifyQuote } from '../crypto/quote.js';
import { publicKeyOf } from '../crypto/keys.js';
import { MemoryNvStore } from '../sim/platform.js';
import { TpmSimulator } from '../sim/simulator.js';
import { decodeImage } from '../sim/state/persist.js';
import { TPM_ALG, TPM_RH } from '../types/constants.js';
import { pcrSelection } from '../types/pcr.js';
import { createVtpmCa } from './ca.js';
import { manufactureVtpm } from './manufacture.js';
import { AK_CERT_NV, EK_CERT_NV, ekTemplateEcc, ekTemplateRsa, PERSISTENT } from './templates.js';

const ca = createVtpmCa();
const dir = mkdtempSync(join(tmpdir(), 'tl-mfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function boot(state: Uint8Array): Promise<TpmClient> {
  const sim = new TpmSimulator({ nv: new MemoryNvStore(state) });
  sim.powerOn({ locality: 3 });
  await sim.startup();
  sim.setLocality(0);
  return new TpmClient(sim.transport());
}

/** A deterministic entropy source (SHA-256 counter stream) for reproducibility checks. */
function seeded(label: string): (n: number) => Uint8Array {
  let i = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let o = 0; o < n; o += 32) out.set(createHash('sha256').update(`${label}:${i++}`).digest().subarray(0, Math.min(32, n - o)), o);
    return out;
  };
}

describe('manufactureVtpm', () => {
  it('creates an ECC EK whose certificate follows the TCG EK profile and verifies with the CA (node and openssl)', async () => {
    const m = await manufactureVtpm({ ca });
    expect(m.state.length).toBeLessThan(3000);
    const client = await boot(m.state);
    const cert = await client.readEkCertificate(EK_CERT_NV.ECC_P256);
    expect(toHex(cert)).toBe(toHex(m.ek.ecc!.certificate));
    const x = new X509Certificate(cert);
    expect(x.verify(new X509Certificate(ca.certificate).publicKey)).toBe(true);
    const parsed = parseCertificate(cert);
    expect(extendedKeyUsage(parsed)).toEqual(['2.23.133.8.1']);
    expect([...keyUsage(parsed)!]).toEqual(['keyAgreement']);
    expect(subjectAltNames(parsed)![0]!.tag).toBe(4);
    expect(parsed.subject.rdns).toEqual([]);
    writeFileSync(join(dir, 'ca.pem'), toPem(ca.certificate, 'CERTIFICATE'));
    writeFileSync(join(dir, 'ek.pem'), toPem(cert, 'CERTIFICATE'));
    expect(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'ek.pem')]).toString()).toMatch(/OK/);
    // TPM2_CreatePrimary with the TCG template returns the certified, persisted EK.
    const ek = await client.createPrimary(TPM_RH.ENDORSEMENT, ekTemplateEcc());
    expect(toHex(ek.name)).toBe(toHex(m.ek.ecc!.name));
    expect(toHex((await client.readPublic(PERSISTENT.EK_ECC)).name)).toBe(toHex(m.ek.ecc!.name));
    expect(publicKeyOf(ek.outPublic).export({ format: 'jwk' })).toEqual(x.publicKey.export({ format: 'jwk' }));
  });

  it('provisions the AK at 0x81000003 with its certificate at 0x01C101D0, bound to the EK by credential activation', async () => {
    const m = await manufactureVtpm({ ca, akSubject: 'vm-0001' });
    const client = await boot(m.state);
    const akCert = new X509Certificate(await client.nvRead(AK_CERT_NV, { authHandle: TPM_RH.OWNER }));
    expect(akCert.subject).toBe('CN=vm-0001');
    expect(akCert.verify(new X509Certificate(ca.certificate).publicKey)).toBe(true);
    expect(extendedKeyUsage(parseCertificate(akCert.raw))).toEqual(['2.23.133.8.3']);
    const ak = await client.readPublic(PERSISTENT.AK);
    expect(toHex(ak.name)).toBe(toHex(m.ak!.name));
    const nonce = new Uint8Array(randomBytes(16));
    const sel = [pcrSelection(TPM_ALG.SHA256, [0, 7])];
    const q = await client.quote(PERSISTENT.AK, nonce, sel);
    expect(verifyQuote({ akPublic: ak.public, quoted: q.quoted, signature: q.signature, nonce, pcrValues: (await client.pcrRead(sel)).values }).ok).toBe(true);
    const secret = new Uint8Array(randomBytes(32));
    const cred = makeCredential(m.ek.ecc!.public, secret, ak.name);
    const got = await client.activateCredential(PERSISTENT.AK, PERSISTENT.EK_ECC, cred.credentialBlob, cred.secret, { key: { session: await client.ekPolicySession() } });
    expect(toHex(got)).toBe(toHex(secret));
  });

  it('creates RSA and ECC EKs like swtpm_setup; the same seeds give the same EKs; the state is a few KB', async () => {
    const a = await manufactureVtpm({ ca, ekTypes: ['rsa', 'ecc'], ak: 'rsa', entropy: seeded('node-a') });
    const b = await manufactureVtpm({ ca, ekTypes: ['rsa', 'ecc'], ak: 'rsa', entropy: seeded('node-a') });
    expect(toHex(a.ek.rsa!.name)).toBe(toHex(b.ek.rsa!.name));
    expect(a.state.length).toBeLessThan(6000);
    const img = decodeImage(a.state);
    expect(img.objects.map((o) => o.handle).sort()).toEqual([PERSISTENT.AK, PERSISTENT.EK_RSA, PERSISTENT.EK_ECC].sort());
    expect(img.nv.map((n) => n.public.nvIndex).sort()).toEqual([AK_CERT_NV, EK_CERT_NV.RSA2048, EK_CERT_NV.ECC_P256].sort());
    const client = await boot(a.state);
    const ek = await client.createPrimary(TPM_RH.ENDORSEMENT, ekTemplateRsa());
    expect(toHex(ek.name)).toBe(toHex(a.ek.rsa!.name));
    const cert = new X509Certificate(await client.readEkCertificate());
    expect([...keyUsage(parseCertificate(cert.raw))!]).toEqual(['keyEncipherment']);
  });
});
