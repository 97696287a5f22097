/**
 * Forgeries, each rejected with its finding (issue 8 "Evidence"): a reused nonce, a quote signed
 * by another VM's AK, an AK not bound to the EK, an EK certificate from another CA (with the
 * platform CA's very name), an event log edited to hide an event, PCR values swapped, and an
 * altered token. The evidence is real: the platform's image booted into a platform-manufactured
 * vTPM, quoted through the TPM command interface (test-support/fixture.ts).
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { encodeEventLog, parseEventLog, EV_EFI_ACTION } from '../eventlog/index.js';
import { createVtpmCa } from '../tpm/manufacture/ca.js';
import { issueAkCertificate, issueEkCertificate } from '../tpm/manufacture/certificates.js';
import { akTemplate } from '../tpm/manufacture/templates.js';
import { publicKeyOf } from '../tpm/crypto/keys.js';
import { marshal } from '../tpm/types/codec.js';
import { TPM_ALG, TPM_RH } from '../tpm/types/constants.js';
import { pcrSelection } from '../tpm/types/pcr.js';
import { TPMT_PUBLIC } from '../tpm/types/public.js';
import { TPMT_SIGNATURE } from '../tpm/types/signature.js';
import { jwks, signToken, tokenKey, verifyToken } from './token.js';
import { attestationFixture, type Fixture, type Node } from './test-support/fixture.js';
import type { UntrustedEvidence } from './evidence.js';

let f: Fixture;
let a: Node;
let b: Node;

const ids = (r: { findings: readonly { id: string }[] }) => r.findings.map((x) => x.id);

beforeAll(async () => {
  f = await attestationFixture();
  a = await f.node('vm-a');
  b = await f.node('vm-b');
}, 60_000);

describe('genuine evidence', () => {
  it('attests Healthy with every step passing', async () => {
    const r = f.check(await f.evidence(a));
    expect(r.findings).toEqual([]);
    expect(r.verdict).toBe('Healthy');
    expect(r.steps.every((s) => s.ok)).toBe(true);
    expect(r.attestedPcrs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14]);
    expect(r.claims).toMatchObject({ secureboot: true, 'x-ms-azurevm-dbvalidated': true, 'x-ms-azurevm-dbxvalidated': true });
  });
});

describe('forgeries', () => {
  it('a reused nonce: nonce.reused (the replayed quote is otherwise perfect)', async () => {
    const e = await f.evidence(a);
    expect(f.check(e).verdict).toBe('Healthy');
    const again = f.check(e);
    expect(ids(again)).toEqual(['nonce.reused']);
    expect(again.steps.filter((s) => s.skipped).map((s) => s.step)).toEqual(['log', 'policy']);
    // A nonce the service never issued, and one past its lifetime.
    expect(ids(f.check(await f.evidence(a, new Uint8Array(32).fill(7))))).toEqual(['nonce.unknown']);
    const old = f.nonces.issue().nonce;
    const late = await f.evidence(a, old);
    f.clock.advance(f.nonces.lifetimeMs + 1);
    expect(ids(f.check(late))).toEqual(['nonce.expired']);
  });

  it("a quote signed by another VM's AK: quote.signature_invalid", async () => {
    const nonce = f.nonces.issue().nonce;
    const mine = await f.evidence(a, nonce);
    const theirs = await f.evidence(b, nonce);
    const r = f.check({ ...mine, quote: theirs.quote, signature: theirs.signature, pcrs: theirs.pcrs });
    expect(ids(r)).toEqual(['quote.signature_invalid']);
    expect(r.findings[0]!.message).toMatch(/not signed by this vTPM's attestation key/);
  });

  it('an AK not bound to the EK: ak.not_bound (and ak.certificate_mismatch against the real AK certificate)', async () => {
    // A second restricted signing key in VM A's own vTPM, never activated against its EK.
    const nonce = f.nonces.issue().nonce;
    const forged = await f.withTpm(a, async (t) => {
      const k = await t.client.createPrimary(TPM_RH.OWNER, akTemplate('ecc'));
      const q = await t.client.quote(k.handle, nonce, [pcrSelection(TPM_ALG.SHA256, [0, 1, 2, 3, 4, 5, 6, 7, 10, 14])]);
      const pcrs = (await t.client.pcrRead([pcrSelection(TPM_ALG.SHA256, [0, 1, 2, 3, 4, 5, 6, 7, 10, 14])])).values.get(TPM_ALG.SHA256)!;
      await t.client.flushContext(k.handle);
      return { akPublic: marshal(TPMT_PUBLIC, k.outPublic, 512), quote: q.quoted, signature: marshal(TPMT_SIGNATURE, q.signature), pcrs: [...pcrs].map(([index, digest]) => ({ index, digest })) };
    });
    const honest = await f.evidence(a);
    const { akCertificate: _drop, ...noCert } = honest;
    const r = f.check({ ...noCert, ...forged, nonce });
    expect(ids(r)).toEqual(['ak.not_bound']);
    expect(r.findings[0]).toMatchObject({ component: 'AK', expected: f.bindings.get(r.identity!.ekName)![0], actual: r.identity!.akName });
    const n2 = f.nonces.issue().nonce;
    const withCert = f.check({ ...(await f.evidence(a, n2)), akPublic: forged.akPublic, quote: forged.quote, signature: forged.signature, pcrs: forged.pcrs });
    expect(ids(withCert)).toEqual(expect.arrayContaining(['ak.not_bound', 'ak.certificate_mismatch']));
  });

  it('an EK certificate from another CA with the same name: ek.untrusted_ca', async () => {
    const rogue = createVtpmCa({ commonName: 'Trusted Launch Virtual TPM CA 2026' });
    const id = { manufacturer: 'MSFT', model: 'vTPM', firmwareVersion: 0n, revision: 164 };
    const ekCertificate = issueEkCertificate(rogue, publicKeyOf(a.identity.ek), id);
    const r = f.check({ ...(await f.evidence(a)), ekCertificate });
    expect(ids(r)).toEqual(['ek.untrusted_ca']);
    expect(r.findings[0]!.message).toMatch(/issued by "O = Trusted Launch, CN = Trusted Launch Virtual TPM CA 2026" but its signature does not verify/);
    // A certificate of the right CA for another EK: ek.public_mismatch.
    const other = f.check({ ...(await f.evidence(a)), ekCertificate: b.identity.ekCertificate });
    expect(ids(other)).toContain('ek.public_mismatch');
    // An AK certificate from the rogue CA: ak.untrusted_ca.
    const akCert = issueAkCertificate(rogue, publicKeyOf(a.identity.ak), 'vm-a', id);
    expect(ids(f.check({ ...(await f.evidence(a)), akCertificate: akCert }))).toEqual(['ak.untrusted_ca']);
  });

  it('an event log edited to hide an event: eventlog.replay_mismatch naming the PCR', async () => {
    const e = await f.evidence(a);
    const log = parseEventLog(e.tcgLog!);
    const hidden = log.events.find((x) => x.pcrIndex === 4 && x.eventType === EV_EFI_ACTION)!;
    const edited = encodeEventLog({ ...log, events: log.events.filter((x) => x !== hidden) });
    const r = f.check({ ...e, tcgLog: edited });
    expect(r.verdict).toBe('Unhealthy');
    expect(r.findings.filter((x) => x.id === 'eventlog.replay_mismatch').map((x) => x.component)).toEqual(['PCR 4']);
    const m = r.findings.find((x) => x.id === 'eventlog.replay_mismatch')!;
    expect(m.expected).toBe(Buffer.from(e.pcrs!.find((p) => p.index === 4)!.digest).toString('hex'));
    expect(m.actual).not.toBe(m.expected);
    // The boot chain check that reads PCR 4 is skipped, not fed the edited events.
    expect(r.skippedChecks).toEqual(['boot.applications (PCR 4 not verified)']);
  });

  it('PCR values swapped: quote.pcr_digest_mismatch', async () => {
    const e = await f.evidence(a);
    const pcrs = e.pcrs!.map((p) => (p.index === 4 ? { ...p, digest: e.pcrs!.find((x) => x.index === 7)!.digest } : p.index === 7 ? { ...p, digest: e.pcrs!.find((x) => x.index === 4)!.digest } : p));
    const r = f.check({ ...e, pcrs });
    expect(ids(r)).toEqual(['quote.pcr_digest_mismatch']);
  });

  it('an altered token: the signature no longer verifies (ours and jose)', async () => {
    const r = f.check(await f.evidence(a));
    const key = tokenKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, f.clock.now());
    const token = signToken(r.claims!, key, { issuer: 'https://attest.example', now: f.clock.now() });
    expect(verifyToken(token, [key], { issuer: 'https://attest.example', now: f.clock.now() }).ok).toBe(true);
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const altered = `${h}.${Buffer.from(JSON.stringify({ ...claims, secureboot: false })).toString('base64url')}.${s}`;
    expect(verifyToken(altered, [key], { now: f.clock.now() })).toEqual({ ok: false, reason: 'signature verification failed' });
    const set = createLocalJWKSet(jwks([key]) as never);
    await expect(jwtVerify(token, set, { issuer: 'https://attest.example', currentDate: new Date(f.clock.now()) })).resolves.toMatchObject({ payload: { secureboot: true } });
    await expect(jwtVerify(altered, set, { currentDate: new Date(f.clock.now()) })).rejects.toThrow(/signature verification failed/);
  });

  it('evidence without the log, or with a log of another VM: eventlog.missing / replay mismatches', async () => {
    const e = await f.evidence(a);
    const { tcgLog: _t, ...noLog } = e;
    expect(ids(f.check(noLog as UntrustedEvidence))).toEqual(['eventlog.missing']);
    // B's log is of an identical boot: the PCRs it replays to are the same, so it is accepted —
    // a log is only ever judged by the quoted PCRs, never by whose disk it came from.
    const sameBoot = f.check({ ...(await f.evidence(a)), tcgLog: (await f.evidence(b)).tcgLog! });
    expect(sameBoot.verdict).toBe('Healthy');
  });
});
