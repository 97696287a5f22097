/**
 * Kubernetes API benchmark (issue 9):
 *   1. `kubectl get nodes` end to end (the real kubectl 1.32 process, TLS, discovery cached) on a
 *      cluster with 5,000 nodes — target ≤ 1 s — beside the same kubectl against a bare node:https
 *      server replaying the very same responses from memory (the limit: what kubectl, TLS and
 *      JSON cost on this machine whatever the server does);
 *   2. scheduling throughput for 10,000 pods with node selectors over 5,000 nodes (in process,
 *      SQLite store) — target ≥ 5,000 pods/s — beside the Store's own rate for the same binding
 *      writes (the limit) and kube-scheduler's published scheduler_perf thresholds (the peer).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse, stringify } from 'yaml';
import { defaultPod } from '../src/platform/kube/pods/defaults.js';
import { objectKey, resourceInfo } from '../src/platform/kube/resources.js';
import { kubeTime, type Pod } from '../src/platform/kube/types.js';
import type { WriteOp } from '../src/platform/store/store.js';
import { armRequest, startServer, waitFor, type TestServer } from '../test/support/server.js';
import { percentile, type Figure } from './harness.js';
import { benchPlatform } from './platform-fixture.js';

const V = 'api-version=2024-09-01';

function kubectl(config: string, cache: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile('kubectl', ['--kubeconfig', config, '--cache-dir', cache, ...args], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout) => {
      if (err) return reject(err);
      if (args[1] === 'nodes' && stdout.trim().split('\n').length !== 5001) return reject(new Error(`expected 5,000 rows, got ${stdout.trim().split('\n').length - 1}`));
      resolve(performance.now() - t0);
    });
  });
}

/** GET with the kubeconfig's client certificate, returning the raw body and content type. */
function fetchRaw(cfg: { server: string; ca: string; cert: string; key: string }, path: string, accept: string): Promise<{ body: Buffer; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${cfg.server}${path}`, { ca: cfg.ca, cert: cfg.cert, key: cfg.key, headers: { accept } }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => resolve({ body: Buffer.concat(chunks), type: String(r.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function fiveThousandNodes(s: TestServer): Promise<void> {
  const mc = `/subscriptions/${s.profile.subscriptionId}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/big`;
  await armRequest(s, 'PUT', `/subscriptions/${s.profile.subscriptionId}/resourcegroups/rg?api-version=2025-04-01`, { location: 'eastus' });
  await armRequest(s, 'PUT', `${mc}?${V}`, { location: 'eastus', properties: { agentPoolProfiles: [{ name: 'system', count: 1000, mode: 'System' }] } });
  await waitFor(async () => (await armRequest(s, 'GET', `${mc}?${V}`)).json.properties.provisioningState === 'Succeeded', 'cluster', 300_000);
  for (let i = 1; i <= 4; i++) {
    await armRequest(s, 'PUT', `${mc}/agentPools/pool${i}?${V}`, { properties: { count: i === 4 ? 1000 : 1000, mode: 'User' } });
    await waitFor(async () => (await armRequest(s, 'GET', `${mc}/agentPools/pool${i}?${V}`)).json.properties.provisioningState === 'Succeeded', `pool${i}`, 300_000);
  }
}

async function getNodes(figures: Figure[]): Promise<void> {
  const s = await startServer({ timing: 'test', env: { TL_TIMING_OVERRIDES: JSON.stringify({ vmCreateMs: 0, vmBootMs: 0 }) } });
  try {
    await fiveThousandNodes(s);
    const mc = `/subscriptions/${s.profile.subscriptionId}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/big`;
    const kubeconfig = Buffer.from((await armRequest(s, 'POST', `${mc}/listClusterUserCredential?${V}`)).json.kubeconfigs[0].value, 'base64').toString();
    const dir = mkdtempSync(join(tmpdir(), 'tl-bench-kube-'));
    const config = join(dir, 'config');
    writeFileSync(config, kubeconfig);
    const cfg = parse(kubeconfig);
    const tls = {
      server: cfg.clusters[0].cluster.server as string,
      ca: Buffer.from(cfg.clusters[0].cluster['certificate-authority-data'], 'base64').toString(),
      cert: Buffer.from(cfg.users[0].user['client-certificate-data'], 'base64').toString(),
      key: Buffer.from(cfg.users[0].user['client-key-data'], 'base64').toString(),
    };
    await waitFor(async () => (await fetchRaw(tls, '/api/v1/nodes?limit=1', 'application/json')).body.toString().includes('"remainingItemCount":4999'), '5,000 nodes registered', 120_000);
    // A first kubectl command: an empty cache every time (median of 5).
    const coldRuns: number[] = [];
    for (let i = 0; i < 5; i++) coldRuns.push(await kubectl(config, join(dir, `cache-cold-${i}`), ['get', 'nodes']));
    const cold = percentile(coldRuns, 50);
    const warm: number[] = [];
    for (let i = 0; i < 7; i++) warm.push(await kubectl(config, join(dir, 'cache'), ['get', 'nodes']));

    // The limit: the same responses replayed by a bare HTTPS server.
    const table = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
    const disc = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const prefix = new URL(tls.server).pathname;
    const replay = new Map<string, { body: Buffer; type: string }>();
    // Requests are matched on path and sorted query parameters, without kubectl's timeout.
    const norm = (url: string) => {
      const u = new URL(url, 'https://x');
      u.searchParams.delete('timeout');
      u.searchParams.sort();
      return `${u.pathname}?${u.searchParams.toString()}`;
    };
    for (const p of ['/version', '/api', '/apis']) replay.set(norm(`${prefix}${p}`), await fetchRaw(tls, p, disc));
    let cont = '';
    for (;;) {
      const path = `/api/v1/nodes?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
      const r = await fetchRaw(tls, path, table);
      replay.set(norm(`${prefix}${path}`), r);
      cont = JSON.parse(r.body.toString()).metadata.continue ?? '';
      if (!cont) break;
    }
    const bare = createServer({ key: readFileSync(join(s.dataDir, 'server-key.pem')), cert: readFileSync(join(s.dataDir, 'server.pem')) }, (req, res) => {
      const hit = replay.get(norm(req.url!));
      if (!hit) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': hit.type, 'content-length': hit.body.length }).end(hit.body);
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const bareConfig = join(dir, 'bare');
    cfg.clusters[0].cluster.server = `https://127.0.0.1:${(bare.address() as AddressInfo).port}${prefix}`;
    writeFileSync(bareConfig, stringify(cfg));
    // The bare server cold, as ours: kubectl's first command discovers /version, /api and /apis
    // (aggregated discovery, which the replay serves), then lists the nodes.
    const bareColdRuns: number[] = [];
    for (let i = 0; i < 5; i++) bareColdRuns.push(await kubectl(bareConfig, join(dir, `cache-bare-cold-${i}`), ['get', 'nodes']));
    const bareCold = percentile(bareColdRuns, 50);
    await kubectl(bareConfig, join(dir, 'cache-bare'), ['get', 'nodes']);
    const base: number[] = [];
    for (let i = 0; i < 7; i++) base.push(await kubectl(bareConfig, join(dir, 'cache-bare'), ['get', 'nodes']));
    bare.close();
    const med = percentile(warm, 50);
    const baseMed = percentile(base, 50);
    const rss = Number(readFileSync(`/proc/${s.process.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)![1]) / 1024;
    figures.push({
      name: 'server resident memory with 5,000 booted nodes and their Node objects, leases, events and watch history',
      value: rss,
      unit: 'MiB',
      limit: { name: 'DESIGN.md budget for 5,000 booted nodes (issue 7 target)', value: 1024, unit: 'MiB' },
      ratio: rss / 1024,
    });
    figures.push({
      name: 'kubectl get nodes, 5,000 nodes, end to end (median of 7 runs, discovery cached as after a first kubectl command)',
      value: med,
      unit: 'ms',
      limit: { name: 'the same kubectl against a bare node:https server replaying identical responses (median of 7)', value: baseMed, unit: 'ms' },
      ratio: med / baseMed,
      target: '≤ 1 s end to end',
      met: med <= 1000,
    });
    figures.push({
      name: 'kubectl get nodes, 5,000 nodes, a first command with an empty cache (adds /version, /api, /apis discovery; median of 5)',
      value: cold,
      unit: 'ms',
      limit: { name: 'the same kubectl, empty cache, against the bare replaying server (median of 5)', value: bareCold, unit: 'ms' },
      ratio: cold / bareCold,
      target: '≤ 1 s end to end (read as the first command)',
      met: cold <= 1000,
    });
  } finally {
    await s.stop();
  }
}

async function scheduling(figures: Figure[]): Promise<void> {
  const b = await benchPlatform({ bootVms: false, systemPool: { name: 'system', count: 1000 } });
  const { p, store, cluster } = b;
  const pools: [string, { enableVTPM: boolean; enableSecureBoot: boolean }][] = [
    ['sb1', { enableVTPM: true, enableSecureBoot: true }],
    ['sb2', { enableVTPM: true, enableSecureBoot: true }],
    ['vtpm', { enableVTPM: true, enableSecureBoot: false }],
    ['plain', { enableVTPM: false, enableSecureBoot: false }],
  ];
  for (const [name, sp] of pools) await b.pool(name, 1000, sp);
  const uid = cluster.resourceUID;
  while (p.kube.cache.count(uid, 'nodes') < 5000) await new Promise((r) => setTimeout(r, 20));
  await p.controller.idle();

  // 10,000 pods with the document's selectors and a few pool selectors, each requesting 100m / 128Mi.
  const selectors = [{ 'kubernetes.azure.com/secure-boot': 'true' }, { 'kubernetes.azure.com/trusted-launch': 'true' }, { 'kubernetes.azure.com/agentpool': 'plain' }, { 'kubernetes.azure.com/security-type': 'TrustedLaunch', 'kubernetes.azure.com/mode': 'user' }];
  const pods = resourceInfo('pods');
  const t = kubeTime(Date.now());
  const ops: WriteOp[] = [];
  for (let i = 0; i < 10_000; i++) {
    const pod = defaultPod({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p-${i}`, namespace: 'default', uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, creationTimestamp: t },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '128Mi' } } }], nodeSelector: selectors[i % selectors.length]! },
      status: {},
    } as unknown as Pod);
    ops.push({ op: 'put', kind: pods.storeKind, key: objectKey(uid, pods, 'default', pod.metadata.name), value: pod, expectRev: 0 });
  }
  let bound = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((r) => (done = r));
  const unsubscribe = store.subscribe((changes) => {
    for (const c of changes) if (c.kind === pods.storeKind && c.type === 'put' && (c.value as Pod).spec.nodeName && (c.value as Pod).status.phase === 'Pending') bound++;
    if (bound >= 10_000) done();
  });
  await store.commit(ops);
  const t0 = performance.now();
  await all;
  const elapsed = (performance.now() - t0) / 1000;
  unsubscribe();
  const misplaced = p.kube.cache.list<Pod>(uid, 'pods').filter((v) => {
    const node = p.kube.cache.get(uid, 'nodes', v.obj.spec.nodeName ?? '');
    return !node || Object.entries(v.obj.spec.nodeSelector ?? {}).some(([k, val]) => node.obj.metadata.labels?.[k] !== val);
  }).length;
  await p.controller.idle();

  // The limit: the Store committing the same 10,000 binding writes in the scheduler's batch size.
  const current = p.kube.cache.list<Pod>(uid, 'pods');
  const l0 = performance.now();
  for (let i = 0; i < current.length; i += 256) {
    await store.commit(current.slice(i, i + 256).map((v) => ({ op: 'put', kind: pods.storeKind, key: objectKey(uid, pods, 'default', v.obj.metadata.name), value: { ...v.obj, metadata: { ...v.obj.metadata, annotations: { bench: '1' } } } })));
  }
  const storeRate = current.length / ((performance.now() - l0) / 1000);
  await b.close();
  const rate = 10_000 / elapsed;
  figures.push({
    name: `scheduling throughput, 10,000 pods with node selectors over 5,000 nodes (SQLite store; ${misplaced} pods on a node without their labels)`,
    value: rate,
    unit: 'pods/s',
    limit: { name: 'the Store committing the same 10,000 binding writes in batches of 256', value: storeRate, unit: 'pods/s' },
    ratio: rate / storeRate,
    // kubernetes/kubernetes test/integration/scheduler_perf: the minimum Average SchedulingThroughput
    // ci-benchmark-scheduler-perf accepts (set below the historical minimum, PR #126871) —
    // affinity/performance-config.yaml SchedulingNodeAffinity/5000Nodes_10000Pods: 220;
    // misc/performance-config.yaml SchedulingBasic/5000Nodes_10000Pods: 270.
    peer: { name: 'kube-scheduler scheduler_perf CI threshold (minimum accepted average), SchedulingNodeAffinity/5000Nodes_10000Pods (SchedulingBasic/5000Nodes_10000Pods: 270)', value: 220, unit: 'pods/s' },
    target: '≥ 5,000 pods/s, every pod on a node with its labels',
    met: rate >= 5000 && misplaced === 0,
  });
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  // KUBE_BENCH=scheduling or =get-nodes runs one part (profiling).
  const only = process.env.KUBE_BENCH;
  if (!only || only === 'scheduling') await scheduling(figures);
  if (!only || only === 'get-nodes') await getNodes(figures);
  return figures;
}
