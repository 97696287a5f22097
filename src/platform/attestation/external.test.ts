/**
 * The public (MAA-like) face keeps its own nonce and activation books (fake clock, in-memory
 * store, evidence quoted by a booted platform VM's vTPM): anonymous traffic flooding the face past
 * its capacity cannot evict a nonce a platform agent is between issuing and using, and each side
 * refuses the other's nonces and activation challenges as unknown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, policyHash, policyText, verify, type UntrustedEvidence } from '../../attestation/index.js';
import { KIND } from '../model/keys.js';
import type { VirtualMachine } from '../model/types.js';
import { harness, trustedLaunchCluster, type Harness } from '../test-support/harness.js';
import { activateCredential, quotePcrs, readVtpmIdentity } from './agent.js';
import type { AttestationService } from './service.js';
import type { AttestationRecord } from './types.js';

/** The face's nonce capacity (its default). */
const CAPACITY = 100_000;

let h: Harness;
let svc: AttestationService;
let vmKey: string;
let vm: VirtualMachine;

/** Evidence the VM's vTPM quotes with `nonce` (its identity, quote, TCG and IMA logs). */
async function evidence(nonce: Uint8Array): Promise<UntrustedEvidence> {
  const [tcgLog, imaLog] = await Promise.all([h.platform.vms.eventLog(vmKey), h.platform.vms.imaLog(vmKey)]);
  const t = await h.platform.vtpm!.open(vmKey, vm.vmId, 'resume');
  try {
    const id = await readVtpmIdentity(t.client);
    const q = await quotePcrs(t.client, nonce);
    return { nonce, ekPublic: id.ekPublic, ekCertificate: id.ekCertificate, akPublic: id.akPublic, akCertificate: id.akCertificate, ...q, ...(tcgLog ? { tcgLog } : {}), ...(imaLog ? { imaLog } : {}), vmId: vm.vmId };
  } finally {
    await h.store.commit(await t.suspend());
  }
}

/** The platform's side: verify() with a nonce consumed from the platform agents' book. */
function platformVerify(e: UntrustedEvidence) {
  return verify(e, DEFAULT_POLICY, undefined, svc.nonces.consume(e.nonce), { trust: svc.state.trust, boundAks: svc.state.boundAks, now: h.clock.now(), policyHash: policyHash(policyText(DEFAULT_POLICY)) });
}

const nonceFindings = (r: { findings: readonly { id: string }[] }) => r.findings.filter((f) => f.id.startsWith('nonce.')).map((f) => f.id);

beforeAll(async () => {
  h = await harness({ bootVms: true });
  await trustedLaunchCluster(h, { tl: { count: 1, enableVTPM: true, enableSecureBoot: true } });
  await h.pass(300);
  svc = h.platform.attestation!;
  await svc.settled();
  const v = (await h.store.list<VirtualMachine>(KIND.vm)).find((x) => x.value.computerName.startsWith('aks-tl-'))!;
  vmKey = v.key;
  vm = v.value;
  // Attested (so its AK is bound to its EK).
  expect((await h.store.get<AttestationRecord>(KIND.attestationResult, vmKey))!.value.status).toBe('Healthy');
}, 60_000);

afterAll(() => h?.platform.stop());

describe('the public face\'s own nonce and activation books', () => {
  it('a platform nonce survives anonymous nonce requests flooding the face past its capacity', async () => {
    // A platform agent got a nonce and quoted with it…
    const { nonce } = svc.nonces.issue();
    const e = await evidence(nonce);
    const platformBefore = svc.nonces.size;
    // …while anonymous clients asked the face for more nonces than it keeps (POST /attest/nonce).
    const first = svc.external.nonce();
    for (let i = 0; i < CAPACITY; i++) svc.external.nonce();
    // The platform's nonce is still fresh: its evidence verifies.
    const r = platformVerify(e);
    expect(nonceFindings(r)).toEqual([]);
    expect(r.verdict).toBe('Healthy');
    // The flood filled the face's own book (which forgot its oldest) and left the platform's alone.
    expect(svc.external.nonces).not.toBe(svc.nonces);
    expect(svc.external.nonceCapacity).toBe(CAPACITY);
    expect(svc.external.nonces.size).toBe(CAPACITY);
    expect(svc.external.nonces.consume(first.nonce).state).toBe('unknown');
    expect(svc.nonces.size).toBe(platformBefore);
    // And the platform attests the VM as before.
    expect((await svc.attestNow(vmKey))!.status).toBe('Healthy');
  });

  it('refuses a platform nonce at the face, and a face nonce at the platform, as unknown', async () => {
    // A platform nonce presented at /attest/Tpm (external.attest is its handler's call).
    const platformNonce = svc.nonces.issue().nonce;
    const atFace = svc.external.attest(await evidence(platformNonce));
    expect(atFace.token).toBeUndefined();
    expect(atFace.result.verdict).toBe('Unhealthy');
    expect(nonceFindings(atFace.result)).toEqual(['nonce.unknown']);
    // Refused there, the nonce is still the platform's to use once.
    expect(svc.nonces.consume(platformNonce).state).toBe('fresh');

    // A face nonce presented to the platform's verifier.
    const faceNonce = svc.external.nonce().nonce;
    const e = await evidence(faceNonce);
    const atPlatform = platformVerify(e);
    expect(atPlatform.verdict).toBe('Unhealthy');
    expect(nonceFindings(atPlatform)).toEqual(['nonce.unknown']);
    // At the face it is fresh: the same evidence gets a token.
    const ok = svc.external.attest(e);
    expect(nonceFindings(ok.result)).toEqual([]);
    expect(ok.result.verdict).toBe('Healthy');
    expect(ok.token).toMatch(/^eyJ/);
  });

  it('keeps activation challenges apart: each side refuses the other\'s as unknown', async () => {
    expect(svc.external.activations).not.toBe(svc.activations);
    const t = await h.platform.vtpm!.open(vmKey, vm.vmId, 'resume');
    try {
      const id = await readVtpmIdentity(t.client);
      // Begun at the face (POST /attest/activation): the platform's book does not know it.
      const ch = svc.external.beginActivation(id.ekPublic, id.ekCertificate, id.akPublic);
      const secret = await activateCredential(t.client, ch.credentialBlob, ch.encryptedSecret);
      expect(svc.activations.complete(ch.id, secret)).toMatchObject({ ok: false, reason: expect.stringMatching(/^no such activation challenge/) });
      // …and the face still completes it.
      await expect(svc.external.completeActivation(ch.id, secret)).resolves.toMatchObject({ ekName: expect.any(String), akName: expect.any(String) });
      // Begun by the platform: the face does not know it.
      const pch = svc.activations.begin(id.ek, id.ak);
      const psecret = await activateCredential(t.client, pch.credentialBlob, pch.encryptedSecret);
      await expect(svc.external.completeActivation(pch.id, psecret)).rejects.toMatchObject({ code: 'ActivationFailed' });
      expect(svc.activations.complete(pch.id, psecret)).toMatchObject({ ok: true });
    } finally {
      await h.store.commit(await t.suspend());
    }
  });
});
