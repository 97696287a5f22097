/**
 * Resource manager benchmark (issue 2):
 *   - GET and PUT latency p50/p99 under 1,000 requests/s from a second process, beside the same
 *     load on a bare node:https server answering a constant JSON document on this machine (the limit);
 *   - the cost of a 1,000-node pool's records (time to create and converge, bytes per node);
 *   - the server's resident memory with 5,000 nodes recorded (target ≤ 300 MB).
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { armRequest, startServer, waitFor } from '../test/support/server.js';
import type { Figure } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));

function load(url: string, ca: string, token: string | undefined, rate: number, seconds: number): Promise<{ n: number; errors: number; statusOther: number; achievedRate: number; p50: number; p99: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'load-generator.js'), JSON.stringify({ url, ca, token, rate, seconds, connections: 8, warmupSeconds: 1 })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`))));
  });
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+) kB/)![1]) / 1024;
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const s = await startServer({ timing: 'test' });
  const SUB = s.profile.subscriptionId;
  const V = 'api-version=2024-09-01';
  const mc = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c`;
  try {
    await armRequest(s, 'PUT', `/subscriptions/${SUB}/resourcegroups/rg?api-version=2025-04-01`, { location: 'eastus' });
    await armRequest(s, 'PUT', `${mc}?${V}`, { location: 'eastus', properties: { agentPoolProfiles: [{ name: 'nodepool1', count: 3, mode: 'System' }] } });
    await waitFor(async () => (await armRequest(s, 'GET', `${mc}?${V}`)).json.properties.provisioningState === 'Succeeded', 'cluster', 60_000);

    // The limit: the same load against a bare HTTPS server on this machine.
    const tls = { key: readFileSync(join(s.dataDir, 'server-key.pem')), cert: readFileSync(join(s.dataDir, 'server.pem')) };
    const doc = JSON.stringify((await armRequest(s, 'GET', `${mc}/agentPools/nodepool1?${V}`)).json);
    const bare = createServer(tls, (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(doc));
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const bareUrl = `https://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
    const base = await load(bareUrl, s.ca, undefined, 1000, 5);
    bare.close();

    const get = await load(`${s.url}${mc}/agentPools/nodepool1?${V}`, s.ca, s.profile.accessToken, 1000, 5);
    figures.push({
      name: `GET agent pool p99 at ${Math.round(get.achievedRate)} req/s (p50 ${get.p50.toFixed(2)} ms, errors ${get.errors + get.statusOther})`,
      value: get.p99,
      unit: 'ms',
      limit: { name: `bare node:https p99 at ${Math.round(base.achievedRate)} req/s`, value: base.p99, unit: 'ms' },
      ratio: get.p99 / base.p99,
      target: 'p99 ≤ 5 ms at 1,000 requests/s',
      met: get.p99 <= 5 && get.achievedRate >= 950 && get.errors + get.statusOther === 0,
    });

    // PUT latency under load: updates of tags on a pool (each a full LRO start: validate, commit,
    // reply), one after another, while the second process keeps GETs coming at 1,000 req/s.
    let loaded = true;
    const background = load(`${s.url}${mc}/agentPools/nodepool1?${V}`, s.ca, s.profile.accessToken, 1000, 8).finally(() => (loaded = false));
    await new Promise((r) => setTimeout(r, 500)); // the load generator is up and at its rate
    const putLat: number[] = [];
    for (let i = 0; i < 300 && loaded; i++) {
      await waitFor(async () => (await armRequest(s, 'GET', `${mc}/agentPools/nodepool1?${V}`)).json.properties.provisioningState === 'Succeeded', 'pool idle');
      const t0 = performance.now();
      const r = await armRequest(s, 'PUT', `${mc}/agentPools/nodepool1?${V}`, { properties: { tags: { i: String(i) } } });
      putLat.push(performance.now() - t0);
      if (r.status !== 200) throw new Error(`PUT ${r.status} ${r.text}`);
    }
    const bg = await background;
    if (putLat.length < 100) throw new Error(`only ${putLat.length} PUTs ran under load`);
    putLat.sort((a, b) => a - b);
    const pct = (q: number) => putLat[Math.min(putLat.length - 1, Math.ceil(q * putLat.length) - 1)]!;
    const under = `${putLat.length} PUTs while a second process sent GETs at ${Math.round(bg.achievedRate)} req/s (GET p99 ${bg.p99.toFixed(2)} ms, errors ${bg.errors + bg.statusOther})`;
    figures.push({ name: `PUT agent pool (update) p50, ${under}`, value: pct(0.5), unit: 'ms', limit: { name: 'bare node:https p50 (same machine)', value: base.p50, unit: 'ms' }, ratio: pct(0.5) / base.p50 });
    figures.push({ name: `PUT agent pool (update) p99, ${under}`, value: pct(0.99), unit: 'ms', limit: { name: 'bare node:https p99 (same machine)', value: base.p99, unit: 'ms' }, ratio: pct(0.99) / base.p99 });

    // A 1,000-node pool's records, then 5,000 nodes in all.
    const dbBefore = statSync(join(s.dataDir, 'state.db')).size + (statSync(join(s.dataDir, "state.db-wal"), { throwIfNoEntry: false })?.size ?? 0);
    const t0 = performance.now();
    await armRequest(s, 'PUT', `${mc}/agentPools/big1?${V}`, { properties: { count: 1000 } });
    await waitFor(async () => (await armRequest(s, 'GET', `${mc}/agentPools/big1?${V}`)).json.properties.provisioningState === 'Succeeded', 'big pool', 120_000);
    const poolMs = performance.now() - t0;
    const dbAfter = statSync(join(s.dataDir, 'state.db')).size + (statSync(join(s.dataDir, 'state.db-wal'), { throwIfNoEntry: false })?.size ?? 0);
    figures.push({ name: '1,000-node pool created, every node booted and converged (test timing: 20 ms create + 20 ms boot)', value: poolMs, unit: 'ms', limit: { name: 'the stage delays alone', value: 40, unit: 'ms' }, ratio: poolMs / 40 });
    figures.push({ name: 'store bytes per booted node (records, vTPM state, TCG and IMA logs, boot diagnostics; SQLite file + WAL growth / 1,000)', value: (dbAfter - dbBefore) / 1000, unit: 'B' });
    for (const n of [2, 3, 4, 5]) {
      await armRequest(s, 'PUT', `${mc}/agentPools/big${n}?${V}`, { properties: { count: n === 5 ? 997 : 1000 } });
      await waitFor(async () => (await armRequest(s, 'GET', `${mc}/agentPools/big${n}?${V}`)).json.properties.provisioningState === 'Succeeded', `big pool ${n}`, 120_000);
    }
    // The target is in MB (10^6 bytes): VmRSS is in KiB.
    const rss = (rssMiB(s.process.pid!) * 1024 * 1024) / 1e6;
    figures.push({ name: 'server resident memory with 5,000 nodes recorded', value: rss, unit: 'MB', limit: { name: 'target', value: 300, unit: 'MB' }, ratio: rss / 300, target: '≤ 300 MB', met: rss <= 300 });
    const getBig = await load(`${s.url}${mc}/agentPools/big1?${V}`, s.ca, s.profile.accessToken, 1000, 3);
    figures.push({
      name: `GET agent pool p99 with 5,000 nodes recorded, at ${Math.round(getBig.achievedRate)} req/s (errors ${getBig.errors + getBig.statusOther})`,
      value: getBig.p99,
      unit: 'ms',
      limit: { name: 'bare node:https p99', value: base.p99, unit: 'ms' },
      ratio: getBig.p99 / base.p99,
      target: 'p99 ≤ 5 ms at 1,000 requests/s',
      met: getBig.p99 <= 5 && getBig.achievedRate >= 950 && getBig.errors + getBig.statusOther === 0,
    });
  } finally {
    await s.stop();
  }
  return figures;
}
