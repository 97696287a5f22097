/**
 * Evidence produced outside the platform, verified by the MAA-like face of a real `tl serve`:
 * a `swtpm` manufactured by swtpm_setup (its own local CA, RSA EK), driven only by tpm2-tools —
 * the real RHEL 9 Secure Boot event log from ../shared/corpus (keylime) replayed into its SHA-256
 * PCRs with tpm2_pcrextend, an AK from tpm2_createak bound to the EK by tpm2_activatecredential
 * of the service's MakeCredential blob, a tpm2_quote over the service's nonce — then:
 *   - the token comes back and `jose` verifies it with /certs; tpm2_checkquote accepts the same quote;
 *   - the same nonce again is refused (nonce.reused); without the administrator's trust anchor for
 *     swtpm's CA the EK is refused (ek.untrusted_ca); an AK that skipped activation is refused
 *     (ak.not_bound).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EV_NO_ACTION, parseEventLog } from '../../src/eventlog/index.js';
import { KEYLIME, readBytes } from '../../src/eventlog/test-support/corpus.js';
import { manufactureSwtpm, removeDir, startSwtpm, type SwtpmInstance } from '../../src/tpm/test-support/swtpm.js';
import { Tools } from '../../src/tpm/test-support/tpm2-tools.js';
import { armRequest, startServer, type TestServer } from '../support/server.js';

let server: TestServer;
let dir: string;
let tpm: SwtpmInstance;
let tools: Tools;
const LOG = `${KEYLIME}/binary_bios_measurements-secureboot`;
const EK = '0x81010001';
const AK = '0x81000003';
const QUOTE_PCRS = 'sha256:0,1,2,3,4,5,6,7,8,9,14';
const b64 = (b: Uint8Array | Buffer) => Buffer.from(b).toString('base64url');
const file = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
const attest = (body: unknown) => armRequest(server, 'POST', '/attest/Tpm?api-version=2022-08-01', body, { token: null });

async function nonce(): Promise<string> {
  const r = await armRequest(server, 'POST', '/attest/nonce', undefined, { token: null });
  expect(r.status).toBe(200);
  return r.json.nonce as string;
}

async function quote(n: string, ak = AK, prefix = 'q'): Promise<{ quote: string; signature: string }> {
  await tools.ok('tpm2_quote', '-c', ak, '-l', QUOTE_PCRS, '-q', Buffer.from(n, 'base64url').toString('hex'), '-m', `${prefix}.msg`, '-s', `${prefix}.sig`, '-o', `${prefix}.pcrs`, '-g', 'sha256');
  await tools.flush();
  return { quote: b64(file(`${prefix}.msg`)), signature: b64(file(`${prefix}.sig`)) };
}

async function activate(akPub: string): Promise<void> {
  const begin = await armRequest(server, 'POST', '/attest/activation', { ekPublic: b64(file('ek.pub')), ekCertificate: b64(file('ek.der')), akPublic: akPub }, { token: null });
  expect(begin.status, begin.text).toBe(200);
  writeFileSync(join(dir, 'cred.bin'), Buffer.from(begin.json.credential, 'base64url'));
  await tools.ok('tpm2_startauthsession', '--policy-session', '-S', 'session.ctx');
  await tools.ok('tpm2_policysecret', '-S', 'session.ctx', '-c', 'e');
  await tools.ok('tpm2_activatecredential', '-c', AK, '-C', EK, '-i', 'cred.bin', '-o', 'secret.bin', '-P', 'session:session.ctx');
  await tools.ok('tpm2_flushcontext', 'session.ctx');
  const done = await armRequest(server, 'POST', `/attest/activation/${begin.json.id}`, { secret: b64(file('secret.bin')) }, { token: null });
  expect(done.status, done.text).toBe(200);
  expect(done.json.bound).toBe(true);
}

beforeAll(async () => {
  server = await startServer();
  dir = await manufactureSwtpm({ pcrBanks: 'sha256' });
  tpm = await startSwtpm(dir);
  tools = new Tools('127.0.0.1', tpm.port, dir);
  // The corpus log into the TPM's SHA-256 bank, event by event (EV_NO_ACTION is never extended).
  const specs = parseEventLog(readBytes(LOG)).events.filter((e) => e.eventType !== EV_NO_ACTION).map((e) => `${e.pcrIndex}:sha256=${Buffer.from(e.digests.find((d) => d.algId === 0x000b)!.digest).toString('hex')}`);
  for (let i = 0; i < specs.length; i += 24) await tools.ok('tpm2_pcrextend', ...specs.slice(i, i + 24));
  // EK (swtpm_setup's RSA EK and its certificate), AK made and persisted by tpm2-tools.
  await tools.ok('tpm2_readpublic', '-c', EK, '-o', 'ek.pub');
  await tools.ok('tpm2_nvread', '0x1c00002', '-C', 'o', '-o', 'ek.der');
  await tools.ok('tpm2_createak', '-C', EK, '-c', 'ak.ctx', '-G', 'ecc', '-g', 'sha256', '-s', 'ecdsa', '-u', 'ak.pub', '-n', 'ak.name');
  await tools.flush();
  await tools.ok('tpm2_evictcontrol', '-C', 'o', '-c', 'ak.ctx', AK);
  await tools.flush();
  await tools.ok('tpm2_readpublic', '-c', AK, '-f', 'pem', '-o', 'ak.pem');
  await tools.flush();
  // The administrator trusts swtpm's local CA (it issued the EK certificate).
  const put = await armRequest(server, 'PUT', '/providers/TrustedLaunch.Platform/attestationTrustAnchors/swtpm-localca?api-version=2026-11-01', { properties: { certificate: readFileSync(join(dir, 'localca/issuercert.pem'), 'utf8') } });
  expect(put.status, put.text).toBe(200);
}, 120_000);

afterAll(async () => {
  await tpm?.stop();
  await server?.stop();
  if (dir) removeDir(dir);
});

describe('evidence from swtpm and tpm2-tools over a real event log', () => {
  it('binds the AK by credential activation, then attests with a token jose verifies; tpm2_checkquote agrees', async () => {
    await activate(b64(file('ak.pub')));
    const n = await nonce();
    const q = await quote(n);
    const r = await attest({ nonce: n, ekPublic: b64(file('ek.pub')), ekCertificate: b64(file('ek.der')), akPublic: b64(file('ak.pub')), ...q, tcgLog: b64(readBytes(LOG)), os: { type: 'Linux', distro: 'RHEL', versionMajor: 9 } });
    expect(r.status, r.text).toBe(200);
    const jwks = createLocalJWKSet((await armRequest(server, 'GET', '/certs', undefined, { token: null })).json);
    const { payload } = await jwtVerify(r.json.token, jwks, { issuer: server.url, algorithms: ['RS256'] });
    expect(payload).toMatchObject({ secureboot: true, 'x-ms-attestation-type': 'azurevm', 'x-ms-azurevm-attested-pcrs': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14], 'x-ms-azurevm-osdistro': 'RHEL', 'x-ms-azurevm-osversion-major': 9 });
    expect((payload['x-ms-runtime'] as { 'client-payload': { nonce: string } })['client-payload'].nonce).toBe(n);
    // The peer tool accepts the same quote with the same nonce.
    const check = await tools.run('tpm2_checkquote', '-u', 'ak.pem', '-m', 'q.msg', '-s', 'q.sig', '-f', 'q.pcrs', '-g', 'sha256', '-q', Buffer.from(n, 'base64url').toString('hex'));
    expect(check.code, check.stderr).toBe(0);
    // With the PCR values tpm2_pcrread reports (MAA's TpmInfo.PCRs) the result is the same.
    const read = await tools.ok('tpm2_pcrread', QUOTE_PCRS);
    const pcrs = [...read.matchAll(/^\s+(\d+)\s*: 0x([0-9A-F]{64})$/gm)].map((m) => ({ index: Number(m[1]), digest: m[2]!.toLowerCase() }));
    expect(pcrs).toHaveLength(11);
    const n2 = await nonce();
    const r2 = await attest({ data: b64(Buffer.from(JSON.stringify({ nonce: n2, ekPublic: b64(file('ek.pub')), ekCertificate: b64(file('ek.der')), akPublic: b64(file('ak.pub')), ...(await quote(n2)), pcrs, tcgLog: b64(readBytes(LOG)) }))) });
    expect(r2.status, r2.text).toBe(200);
  });

  it('refuses malformed evidence with the field named (400, ARM error envelope)', async () => {
    const r = await attest({ ekPublic: 'AAAA', ekCertificate: 'AAAA', akPublic: 'AAAA', quote: 1, signature: 'AAAA' });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'InvalidEvidence', target: 'quote' });
    const junk = await armRequest(server, 'POST', '/attest/Tpm', undefined, { token: null, rawBody: '{"data": "not json"}' });
    expect(junk.status).toBe(400);
    expect(junk.json.error.code).toBe('InvalidParameter');
  });

  it('refuses the same nonce twice, an EK from a CA nobody trusts, and an AK that skipped activation', async () => {
    const n = await nonce();
    const q = await quote(n);
    const body = { nonce: n, ekPublic: b64(file('ek.pub')), ekCertificate: b64(file('ek.der')), akPublic: b64(file('ak.pub')), ...q, tcgLog: b64(readBytes(LOG)) };
    expect((await attest(body)).status).toBe(200);
    const again = await attest(body);
    expect(again.status).toBe(400);
    expect(again.json.error.code).toBe('AttestationFailed');
    expect(again.json.findings.map((f: { id: string }) => f.id)).toEqual(['nonce.reused']);

    // A second AK, never activated.
    await tools.ok('tpm2_createak', '-C', EK, '-c', 'ak2.ctx', '-G', 'ecc', '-g', 'sha256', '-s', 'ecdsa', '-u', 'ak2.pub', '-n', 'ak2.name');
    await tools.flush();
    await tools.ok('tpm2_evictcontrol', '-C', 'o', '-c', 'ak2.ctx', '0x81000004');
    await tools.flush();
    const n2 = await nonce();
    const unbound = await attest({ ...body, nonce: n2, akPublic: b64(file('ak2.pub')), ...(await quote(n2, '0x81000004', 'q2')) });
    expect(unbound.json.findings.map((f: { id: string }) => f.id)).toEqual(['ak.not_bound']);
    expect(unbound.json.findings[0].actual).toBe(createHash('sha256').update(file('ak2.pub').subarray(2)).digest('hex').replace(/^/, '000b'));

    const del = await armRequest(server, 'DELETE', '/providers/TrustedLaunch.Platform/attestationTrustAnchors/swtpm-localca?api-version=2026-11-01');
    expect(del.status).toBe(200);
    const n3 = await nonce();
    const untrusted = await attest({ ...body, nonce: n3, ...(await quote(n3)) });
    expect(untrusted.json.findings.map((f: { id: string }) => f.id)).toEqual(['ek.untrusted_ca']);
    expect(untrusted.json.findings[0].message).toMatch(/issued by ".*swtpm-localca.*", which is not a trusted vTPM CA/);
  });
});
