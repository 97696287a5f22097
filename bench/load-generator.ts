/**
 * A second process that sends GETs at a fixed rate over keep-alive HTTPS connections and
 * reports latency percentiles (the load side of the ARM benchmark). Arguments come as JSON in
 * argv[2]: { url, ca, token?, rate, seconds, connections, warmupSeconds? }.
 *
 * A warm-up at the same rate runs first and is not recorded: it opens every keep-alive
 * connection (TLS handshakes cost milliseconds each and would otherwise sit in the first
 * measured requests' latency) and lets both sides' JIT settle.
 */
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';

interface Args {
  url: string;
  ca: string;
  token?: string;
  rate: number;
  seconds: number;
  connections: number;
  warmupSeconds?: number;
}

const a = JSON.parse(process.argv[2]!) as Args;
const agent = new Agent({ keepAlive: true, maxSockets: a.connections, ca: a.ca });
const latencies: number[] = [];
let errors = 0;
let statusOther = 0;

function one(record = true): Promise<void> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = request(a.url, { agent, headers: a.token ? { authorization: `Bearer ${a.token}` } : {} }, (res) => {
      res.resume();
      res.on('end', () => {
        if (record) latencies.push(performance.now() - t0);
        if (record && res.statusCode !== 200) statusOther++;
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
    req.end();
  });
}

/** Send `seconds` × rate requests at a fixed rate; resolves when all have answered. */
async function paced(seconds: number, record: boolean): Promise<number> {
  const total = Math.round(a.rate * seconds);
  const interval = 1000 / a.rate;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(one(record));
  }
  await Promise.all(inflight);
  return (performance.now() - start) / 1000;
}

await paced(a.warmupSeconds ?? 1, false);
const elapsed = await paced(a.seconds, true);
latencies.sort((x, y) => x - y);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
process.stdout.write(JSON.stringify({ n: latencies.length, errors, statusOther, achievedRate: latencies.length / elapsed, p50: pct(50), p99: pct(99), max: latencies[latencies.length - 1] }) + '\n');
agent.destroy();
