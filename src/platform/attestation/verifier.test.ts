/**
 * The verifier threads give exactly what the event-loop thread gives: for genuine, tampered,
 * unbound, replayed and untrusted evidence the worker's result equals the in-thread result; a
 * credential made in a worker is released by the vTPM that holds the EK; anchor changes reach the
 * worker before the next job; a thread that dies fails its calls in flight and is replaced. The
 * worker runs this repository's TypeScript through test-support/ts-register.mjs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, policyHash, policyText, TrustStore, type NonceCheck, type UntrustedEvidence } from '../../attestation/index.js';
import { attestationFixture, type Fixture, type Node } from '../../attestation/test-support/fixture.js';
import { createVtpmCa } from '../../tpm/manufacture/ca.js';
import { objectName } from '../../tpm/crypto/name.js';
import { activateCredential, QUOTED_PCRS } from './agent.js';
import { InThreadVerifier, type TrustSource } from './verifier.js';
import { WorkerVerifierPool } from './verifier-pool.js';
import type { VerifyJob } from './verify-job.js';

const WORKER = new URL('./verifier-worker.ts', import.meta.url);
const EXEC_ARGV = ['--import', new URL('./test-support/ts-register.mjs', import.meta.url).href];
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

let f: Fixture;
let good: Node;
let tampered: Node;
let unbound: Node;
let pool: WorkerVerifierPool;
const inThread = new InThreadVerifier();
let trust: TrustSource;

function job(n: Node, e: UntrustedEvidence, nonce: NonceCheck): VerifyJob {
  const ekName = hex(objectName(n.identity.ek));
  return {
    evidence: e,
    policy: DEFAULT_POLICY,
    policyHash: policyHash(policyText(DEFAULT_POLICY)),
    nonce,
    now: f.clock.now(),
    requiredPcrs: QUOTED_PCRS,
    vmId: n.vmId,
    os: { distro: f.refs.osDistro },
    bound: { ekName, akNames: f.bindings.get(ekName) ?? [] },
  };
}

beforeAll(async () => {
  f = await attestationFixture();
  good = await f.node('vm-good');
  tampered = await f.node('vm-cmdline', { tamper: ['cmdline'] });
  unbound = await f.node('vm-unbound', { activate: false });
  const anchors = [{ name: 'platform vTPM CA', certificate: f.ca.certificate }];
  trust = { store: f.trust, anchors: () => anchors };
  pool = new WorkerVerifierPool({ threads: 1, url: WORKER, execArgv: EXEC_ARGV });
  await pool.warm();
}, 120_000);

afterAll(async () => {
  await pool?.close();
});

describe('verifier threads', () => {
  it('give the in-thread result for genuine, tampered, unbound, replayed and unknown-nonce evidence', async () => {
    const cases: VerifyJob[] = [];
    for (const n of [good, tampered, unbound]) {
      const e = await f.evidence(n);
      cases.push(job(n, e, f.nonces.consume(e.nonce)));
      cases.push(job(n, e, f.nonces.consume(e.nonce))); // the replay: nonce.reused
    }
    const e = await f.evidence(good, new Uint8Array(32).fill(9));
    cases.push(job(good, e, f.nonces.consume(e.nonce)));
    const verdicts: string[] = [];
    for (const c of cases) {
      const [inWorker, here] = await Promise.all([pool.verify(c, f.refs, trust), inThread.verify(c, f.refs, trust)]);
      expect(inWorker).toEqual(here);
      verdicts.push(`${inWorker.verdict}:${inWorker.findings.map((x) => x.id).join(',')}`);
    }
    expect(verdicts[0]).toBe('Healthy:');
    expect(verdicts[1]).toBe('Unhealthy:nonce.reused');
    expect(verdicts[2]).toMatch(/^Unhealthy:.*kernel\.cmdline_modified/);
    expect(verdicts[4]).toBe('Unhealthy:ak.not_bound');
    expect(verdicts[6]).toBe('Unhealthy:nonce.unknown');
  });

  it('answer many jobs in flight, each with its own result', async () => {
    const jobs: VerifyJob[] = [];
    for (let i = 0; i < 12; i++) {
      const n = [good, tampered, unbound][i % 3]!;
      const e = await f.evidence(n);
      jobs.push(job(n, e, f.nonces.consume(e.nonce)));
    }
    const [all, one] = await Promise.all([Promise.all(jobs.map((j) => pool.verify(j, f.refs, trust))), Promise.all(jobs.map((j) => inThread.verify(j, f.refs, trust)))]);
    expect(all).toEqual(one);
    expect(all.map((r) => r.verdict)).toEqual(jobs.map((_, i) => (i % 3 === 0 ? 'Healthy' : 'Unhealthy')));
  });

  it('make credentials that only the vTPM holding the EK releases', async () => {
    const n = await f.node('vm-activate', { activate: false });
    const ch = await f.activations.beginWith(n.identity.ek, n.identity.ak, (ek, secret, name) => pool.makeCredential(ek, secret, name));
    const secret = await f.withTpm(n, (t) => activateCredential(t.client, ch.credentialBlob, ch.encryptedSecret));
    expect(f.activations.complete(ch.id, secret)).toMatchObject({ ok: true, ekName: hex(objectName(n.identity.ek)), akName: hex(objectName(n.identity.ak)) });
    // Another vTPM cannot unwrap it.
    const other = await f.activations.beginWith(n.identity.ek, n.identity.ak, (ek, s, name) => pool.makeCredential(ek, s, name));
    await expect(f.withTpm(good, (t) => activateCredential(t.client, other.credentialBlob, other.encryptedSecret))).rejects.toThrow();
  });

  it('verify with the anchors the service has when the job is sent', async () => {
    const foreign = createVtpmCa({ commonName: 'Another vTPM CA' });
    const anchorsNow = [{ name: 'another', certificate: foreign.certificate }];
    const replaced: TrustSource = { store: new TrustStore(anchorsNow), anchors: () => anchorsNow };
    const e = await f.evidence(good);
    const j = job(good, e, f.nonces.consume(e.nonce));
    const [inWorker, here] = await Promise.all([pool.verify(j, f.refs, replaced), inThread.verify(j, f.refs, replaced)]);
    expect(inWorker).toEqual(here);
    expect(inWorker.findings.map((x) => x.id)).toContain('ek.untrusted_ca');
    // And back: the platform CA again.
    expect((await pool.verify(j, f.refs, trust)).findings.map((x) => x.id)).not.toContain('ek.untrusted_ca');
  });

  it('fail the calls of a thread that dies, then start a new one', async () => {
    // A worker entry that exits when it is sent the VM id "crash", and verifies otherwise.
    const dir = mkdtempSync(join(tmpdir(), 'tl-verifier-'));
    const entry = join(dir, 'crashing-worker.mjs');
    writeFileSync(entry, `import ${JSON.stringify(WORKER.href)};\nimport { parentPort } from 'node:worker_threads';\nparentPort.on('message', (m) => { if (m.t === 'verify' && m.job.vmId === 'crash') process.exit(7); });\n`);
    const p = new WorkerVerifierPool({ threads: 1, url: pathToFileURL(entry), execArgv: EXEC_ARGV });
    try {
      const e = await f.evidence(good);
      const crash = { ...job(good, e, { state: 'fresh', value: e.nonce! }), vmId: 'crash' };
      await expect(p.verify(crash, f.refs, trust)).rejects.toThrow(/exited \(code 7\)/);
      const ok = job(good, e, f.nonces.consume(e.nonce));
      expect((await p.verify(ok, f.refs, trust)).verdict).toBe('Healthy');
    } finally {
      await p.close();
    }
  }, 60_000);

  it('refuse calls after close, and start again when called', async () => {
    const p = new WorkerVerifierPool({ threads: 1, url: WORKER, execArgv: EXEC_ARGV });
    await p.warm();
    const e = await f.evidence(good);
    const refused = expect(p.verify(job(good, e, f.nonces.consume(e.nonce)), f.refs, trust)).rejects.toThrow(/closed/);
    await p.close();
    await refused;
    const e2 = await f.evidence(good);
    expect((await p.verify(job(good, e2, f.nonces.consume(e2.nonce)), f.refs, trust)).verdict).toBe('Healthy');
    await p.close();
  }, 60_000);
});
