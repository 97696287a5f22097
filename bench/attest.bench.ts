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
 *      certificate checks added (the target read strictly);
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
  const b = await benchPlatform({ bootVms: true });
  const svc = b.p.attestation!;
  svc.stop();
  const t0 = performance.now();
  for (let i = 0; i * 1000 < nodes; i++) await b.pool(`tl${i + 1}`, Math.min(1000, nodes - i * 1000), { enableVTPM: true, enableSecureBoot: true });
  const booted = (performance.now() - t0) / 1000;
  const vms = (await b.store.list<VirtualMachine>(KIND.vm)).filter((v) => v.value.model.vTpmEnabled);
  if (vms.length !== nodes) throw new Error(`expected ${nodes} vTPM nodes, got ${vms.length}`);

  // 2a. The first attestation of every node.
  const f0 = performance.now();
  for (const v of vms) await svc.attestVm(v.value, v.key, undefined, 'post-boot');
  const first = (performance.now() - f0) / 1000;
  const results = await b.store.list<AttestationRecord>(KIND.attestationResult);
  const healthy = results.filter((r) => r.value.status === 'Healthy').length;
  if (healthy !== nodes) throw new Error(`expected ${nodes} Healthy nodes, got ${healthy}`);

  // 2b. A periodic round over the attested cluster.
  const prev = new Map(results.map((r) => [r.key, r.value]));
  const r0 = performance.now();
  for (const v of vms) await svc.attestVm(v.value, v.key, prev.get(v.key), 'periodic');
  const round = (performance.now() - r0) / 1000;
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
    name: `${n} nodes attested after a cluster start (a periodic round: agent resumes the vTPM and quotes, service verifies, result, history and vTPM state stored)`,
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
    name: `first attestation of ${n} freshly booted nodes (adds credential activation and cold EK/AK certificate checks; the cluster booted in ${booted.toFixed(1)} s)`,
    value: first,
    unit: 's',
    limit: { name: 'crypto floor of the round + activation (an ECDH on each side)', value: activationFloor, unit: 's' },
    ratio: first / activationFloor,
    target: '≤ 10 s (if the target is read as the first attestation)',
    met: first <= 10,
  });

  // 1. Verification throughput over real evidence: 100 VMs × 30 nonces.
  const sample = vms.slice(0, 100);
  const evidence: { e: UntrustedEvidence; vm: VirtualMachine }[] = [];
  for (const v of sample) {
    const t = await b.p.vtpm!.open(v.key, v.value.vmId, 'resume');
    const id = await readVtpmIdentity(t.client);
    const [tcgLog, imaLog] = [await b.p.vms.eventLog(v.key), await b.p.vms.imaLog(v.key)];
    for (let i = 0; i < 30; i++) {
      const { nonce } = svc.nonces.issue();
      evidence.push({ vm: v.value, e: { nonce, ekPublic: id.ekPublic, ekCertificate: id.ekCertificate, akPublic: id.akPublic, akCertificate: id.akCertificate, ...(await quotePcrs(t.client, nonce)), tcgLog: tcgLog!, imaLog: imaLog!, vmId: v.value.vmId } });
    }
    await b.store.commit(await t.suspend());
  }
  const refs = await svc.refs.forImage(prev.get(sample[0]!.key)!.nodeImage);
  const settings = await svc.state.settings(prev.get(sample[0]!.key)!.clusterKey);
  const pass = (trust: () => TrustStore) => {
    let healthyCount = 0;
    const s0 = performance.now();
    for (const { e } of evidence) {
      const r = verify(e, settings.policy, refs, svc.nonces.consume(e.nonce), { trust: trust(), boundAks: svc.state.boundAks, now: Date.now(), requiredPcrs: QUOTED_PCRS });
      if (r.verdict === 'Healthy') healthyCount++;
    }
    const rate = evidence.length / ((performance.now() - s0) / 1000);
    if (healthyCount !== evidence.length) throw new Error(`only ${healthyCount} of ${evidence.length} verified Healthy`);
    return rate;
  };
  // Periodic: the service's trust store (chain checks memoised by certificate bytes); each nonce used once.
  const warm = svc.state.trust;
  const periodic = pass(() => warm);
  const caDer = b.p.vtpm!.ca.certificate;
  figures.push({
    name: 'full attestation verifications per second per core (periodic: certificate chains memoised)',
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
    name: 'full attestation verifications per second per core (first attestation: EK and AK certificate chains checked)',
    value: cold,
    unit: 'verifications/s',
    limit: { name: 'node:crypto ECDSA P-256 verify', value: ecdsaVerify, unit: 'verifications/s' },
    ratio: cold / ecdsaVerify,
  });

  async function coldPass(): Promise<number> {
    // Re-quote with fresh nonces: the evidence must carry them.
    const fresh: UntrustedEvidence[] = [];
    for (const v of sample.slice(0, 50)) {
      const t = await b.p.vtpm!.open(v.key, v.value.vmId, 'resume');
      const base = evidence.find((x) => x.vm.vmId === v.value.vmId)!.e;
      for (let i = 0; i < 20; i++) {
        const { nonce } = svc.nonces.issue();
        fresh.push({ ...base, nonce, ...(await quotePcrs(t.client, nonce)) });
      }
      await b.store.commit(await t.suspend());
    }
    const cold = new TrustStore([{ name: 'platform vTPM CA', certificate: caDer }]);
    const s0 = performance.now();
    for (const e of fresh) {
      cold.clearCache();
      const r = verify(e, settings.policy, refs, svc.nonces.consume(e.nonce), { trust: cold, boundAks: svc.state.boundAks, now: Date.now(), requiredPcrs: QUOTED_PCRS });
      if (r.verdict !== 'Healthy') throw new Error(`cold verification not Healthy: ${r.findings.map((f) => f.id).join(', ')}`);
    }
    return fresh.length / ((performance.now() - s0) / 1000);
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

async function readAk(b: Awaited<ReturnType<typeof benchPlatform>>, v: { key: string; value: VirtualMachine }): Promise<string> {
  const t = await b.p.vtpm!.open(v.key, v.value.vmId, 'resume');
  const id = await readVtpmIdentity(t.client);
  await b.store.commit(await t.suspend());
  return publicPem(id.ak);
}
