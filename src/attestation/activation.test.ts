/**
 * Credential activation against the TPM simulator: the secret comes back only from the TPM that
 * holds the EK and only for the AK named; challenges are single use; unsuitable AKs are refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock.js';
import { TpmClient } from '../tpm/client/client.js';
import { createVtpmCa } from '../tpm/manufacture/ca.js';
import { manufactureVtpm, type ManufacturedVtpm } from '../tpm/manufacture/manufacture.js';
import { akTemplate, ekTemplateEcc, PERSISTENT } from '../tpm/manufacture/templates.js';
import { MemoryNvStore } from '../tpm/sim/platform.js';
import { TpmSimulator } from '../tpm/sim/simulator.js';
import { makeCredential } from '../tpm/crypto/make-credential.js';
import { TPMA_OBJECT } from '../tpm/types/constants.js';
import { ActivationBook, akAttributesProblem } from './activation.js';

const ca = createVtpmCa();
let a: ManufacturedVtpm;
let b: ManufacturedVtpm;

async function client(m: ManufacturedVtpm): Promise<TpmClient> {
  const sim = new TpmSimulator({ nv: new MemoryNvStore(m.state) });
  sim.powerOn({ locality: 3 });
  await sim.startup();
  sim.setLocality(0);
  return new TpmClient(sim.transport());
}

async function activate(c: TpmClient, blob: Uint8Array, secret: Uint8Array): Promise<Uint8Array> {
  return c.activateCredential(PERSISTENT.AK, PERSISTENT.EK_ECC, blob, secret, { key: { session: await c.ekPolicySession() } });
}

beforeAll(async () => {
  a = await manufactureVtpm({ ca });
  b = await manufactureVtpm({ ca });
});

describe('ActivationBook', () => {
  it('binds the AK that lives beside the EK; the challenge is single use', async () => {
    const clock = new FakeClock();
    const book = new ActivationBook(() => clock.now());
    const ch = book.begin(a.ek.ecc!.public, a.ak!.public);
    const secret = await activate(await client(a), ch.credentialBlob, ch.encryptedSecret);
    const r = book.complete(ch.id, secret);
    expect(r).toEqual({ ok: true, ekName: Buffer.from(a.ek.ecc!.name).toString('hex'), akName: Buffer.from(a.ak!.name).toString('hex') });
    expect(book.complete(ch.id, secret)).toMatchObject({ ok: false, reason: expect.stringMatching(/already used/) });
    expect(Buffer.from(ch.credentialFile.subarray(0, 8)).toString('hex')).toBe('badcc0de00000001');
  });

  it('beginWith: MakeCredential computed elsewhere binds the same way; unsuitable AKs are refused before it runs', async () => {
    const clock = new FakeClock();
    const book = new ActivationBook(() => clock.now());
    const made: string[] = [];
    const make = async (ek: Parameters<typeof makeCredential>[0], secret: Uint8Array, name: Uint8Array) => {
      made.push(Buffer.from(name).toString('hex'));
      return makeCredential(ek, secret, name);
    };
    const ch = await book.beginWith(a.ek.ecc!.public, a.ak!.public, make);
    expect(made).toEqual([Buffer.from(a.ak!.name).toString('hex')]);
    const secret = await activate(await client(a), ch.credentialBlob, ch.encryptedSecret);
    expect(book.complete(ch.id, secret)).toEqual({ ok: true, ekName: Buffer.from(a.ek.ecc!.name).toString('hex'), akName: Buffer.from(a.ak!.name).toString('hex') });
    expect(book.complete(ch.id, secret)).toMatchObject({ ok: false, reason: expect.stringMatching(/already used/) });
    await expect(book.beginWith(a.ek.ecc!.public, ekTemplateEcc(), make)).rejects.toThrow(/cannot be activated/);
    expect(made).toHaveLength(1);
  });

  it("another TPM cannot unwrap the challenge (TPM_RC_INTEGRITY or a wrong secret), so its AK is never bound", async () => {
    const book = new ActivationBook(() => 0);
    // A challenge for A's EK naming B's AK: B's TPM cannot use A's EK seed.
    const ch = book.begin(a.ek.ecc!.public, b.ak!.public);
    await expect(activate(await client(b), ch.credentialBlob, ch.encryptedSecret)).rejects.toThrow();
    expect(book.complete(ch.id, new Uint8Array(32))).toMatchObject({ ok: false, reason: expect.stringMatching(/wrong/) });
    // A challenge naming B's AK presented to A's TPM: A has no object with that Name loaded as AK.
    const ch2 = book.begin(a.ek.ecc!.public, b.ak!.public);
    await expect(activate(await client(a), ch2.credentialBlob, ch2.encryptedSecret)).rejects.toThrow();
  });

  it('expires challenges, and refuses keys that are not restricted signing keys fixed to their TPM', () => {
    const clock = new FakeClock();
    const book = new ActivationBook(() => clock.now(), 1000);
    const ch = book.begin(a.ek.ecc!.public, a.ak!.public);
    clock.advance(1001);
    expect(book.complete(ch.id, new Uint8Array(32))).toMatchObject({ ok: false, reason: 'the activation challenge expired' });
    expect(akAttributesProblem(a.ak!.public)).toBeUndefined();
    expect(akAttributesProblem(ekTemplateEcc())).toMatch(/lack sign/);
    expect(akAttributesProblem(akTemplate('ecc', TPMA_OBJECT.sign | TPMA_OBJECT.restricted | TPMA_OBJECT.userWithAuth))).toMatch(/lack fixedTPM, fixedParent, sensitiveDataOrigin/);
    expect(() => book.begin(a.ek.ecc!.public, ekTemplateEcc())).toThrow(/cannot be activated/);
  });
});
