/**
 * vTPM benchmarks (issue 4 "Performance"): quotes/s and PCR_Extend/s of the in-process
 * simulator beside swtpm over TCP and beside the raw node:crypto rate for the same work,
 * manufacturing cost beside swtpm_setup, and resident memory per powered-on vTPM.
 */
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { opsPerSecond, type Figure } from './harness.js';
import { TpmClient } from '../src/tpm/client/client.js';
import { SwtpmTransport } from '../src/tpm/io/swtpm-transport.js';
import { createVtpmCa } from '../src/tpm/manufacture/ca.js';
import { manufactureVtpm } from '../src/tpm/manufacture/manufacture.js';
import { akTemplate, ekTemplateRsa, PERSISTENT, srkTemplate } from '../src/tpm/manufacture/templates.js';
import { MemoryNvStore } from '../src/tpm/sim/platform.js';
import { TpmSimulator } from '../src/tpm/sim/simulator.js';
import { TPM_ALG, TPM_RH } from '../src/tpm/types/constants.js';
import { pcrSelection } from '../src/tpm/types/pcr.js';

const exec = promisify(execFile);
const SEL = [pcrSelection(TPM_ALG.SHA256, [0, 1, 2, 3, 4, 5, 6, 7, 16])];
const NONCE = new Uint8Array(16);
const DIGEST = { hashAlg: TPM_ALG.SHA256, digest: new Uint8Array(32).fill(7) };

async function freePortPair(): Promise<number> {
  for (;;) {
    const p = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(p + 1, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return p;
  }
}

async function swtpmSetup(dir: string): Promise<number> {
  const ca = join(dir, 'ca');
  mkdirSync(ca, { recursive: true });
  mkdirSync(join(dir, 'state'), { recursive: true });
  writeFileSync(join(ca, 'ca.conf'), `statedir = ${ca}\nsigningkey = ${ca}/signkey.pem\nissuercert = ${ca}/issuercert.pem\ncertserial = ${ca}/certserial\n`);
  writeFileSync(join(ca, 'setup.conf'), `create_certs_tool= /usr/bin/swtpm_localca\ncreate_certs_tool_config = ${ca}/ca.conf\ncreate_certs_tool_options = /etc/swtpm-localca.options\nactive_pcr_banks = sha1,sha256\n`);
  const args = ['--tpm2', '--tpmstate', join(dir, 'state'), '--create-ek-cert', '--config', join(ca, 'setup.conf'), '--overwrite'];
  await exec('swtpm_setup', args); // creates the local CA once
  const t = performance.now();
  await exec('swtpm_setup', args);
  return performance.now() - t;
}

async function startSwtpm(dir: string): Promise<{ port: number; stop: () => void }> {
  const port = await freePortPair();
  const pidFile = join(dir, 'pid');
  await exec('swtpm', ['socket', '--tpm2', '--server', `type=tcp,port=${port},bindaddr=127.0.0.1`, '--ctrl', `type=tcp,port=${port + 1},bindaddr=127.0.0.1`, '--tpmstate', `dir=${join(dir, 'state')}`, '--flags', 'not-need-init,startup-clear', '--daemon', '--pid', `file=${pidFile}`]);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  return { port, stop: () => process.kill(pid, 'SIGTERM') };
}

/** The command bytes a TpmClient call sends (recorded once, replayed for raw-command rates). */
async function record(send: (c: Uint8Array) => Promise<Uint8Array>, call: (c: TpmClient) => Promise<unknown>): Promise<Uint8Array> {
  let last: Uint8Array | undefined;
  await call(new TpmClient({ send: (c) => ((last = c), send(c)) }));
  return last!;
}

/** An AK of `type` loaded under an SRK; returns its handle. */
async function loadAk(c: TpmClient, type: 'rsa' | 'ecc'): Promise<number> {
  const srk = await c.createPrimary(TPM_RH.OWNER, srkTemplate('ecc'));
  const ak = await c.create(srk.handle, akTemplate(type));
  const { handle } = await c.load(srk.handle, ak.outPrivate, ak.outPublic);
  await c.flushContext(srk.handle);
  return handle;
}

/**
 * The machine is shared (other test suites run beside the bench): measure alternately and keep
 * the best of several rounds, so a figure and its limit see the same conditions.
 */
async function best(rounds: number, ...fns: (() => Promise<number>)[]): Promise<[number, number, number]> {
  const out: [number, number, number] = [0, 0, 0];
  for (let r = 0; r < rounds; r++) for (let i = 0; i < fns.length; i++) out[i] = Math.max(out[i]!, await fns[i]!());
  return out;
}

async function inProcessSim(offload: 'never' | 'rsa' | 'always' = 'rsa'): Promise<TpmSimulator> {
  const m = await manufactureVtpm({ ca: createVtpmCa() });
  const sim = new TpmSimulator({ nv: new MemoryNvStore(m.state) }, { profile: { cryptoOffload: offload } });
  sim.powerOn({ locality: 3 });
  await sim.startup();
  sim.setLocality(0);
  return sim;
}

async function inProcess(offload: 'never' | 'rsa' | 'always' = 'rsa'): Promise<TpmClient> {
  return new TpmClient((await inProcessSim(offload)).transport());
}

function figure(name: string, value: number, unit: string, limit: Figure['limit'], peer?: Figure['peer'], target?: { text: string; met: boolean }): Figure {
  return {
    name,
    value,
    unit,
    ...(limit ? { limit, ratio: value / limit.value } : {}),
    ...(peer ? { peer } : {}),
    ...(target ? { target: target.text, met: target.met } : {}),
  };
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-tpm-'));
  try {
    const setupMs = await swtpmSetup(dir);
    const sw = await startSwtpm(dir);
    const swT = await SwtpmTransport.connect({ port: sw.port });
    const swc = new TpmClient(swT);
    const simTpm = await inProcessSim();
    const sim = new TpmClient(simTpm.transport());
    const simSend = (c: Uint8Array) => simTpm.execute(c);
    const swSend = (c: Uint8Array) => swT.send(c);

    // Raw limits: node:crypto signing with the same key types, over a TPMS_ATTEST-sized message.
    const msg = new Uint8Array(129);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    let swtpmRsaQuotes = 0;
    for (const type of ['ecc', 'rsa'] as const) {
      const simAk = await loadAk(sim, type);
      const swAk = await loadAk(swc, type);
      const key = type === 'ecc' ? { key: ec, dsaEncoding: 'ieee-p1363' as const } : rsa;
      const [raw, simRate, swRate] = await best(
        3,
        () => opsPerSecond(() => sign('sha256', msg, key), 700),
        () => opsPerSecond(() => sim.quote(simAk, NONCE, SEL), 700),
        () => opsPerSecond(() => swc.quote(swAk, NONCE, SEL), 700, 5),
      );
      const label = type === 'ecc' ? 'ECDSA P-256' : 'RSASSA-2048';
      const where = type === 'ecc' ? '' : ", signature in the libuv pool (cryptoOffload 'rsa')";
      const simCmd = await record(simSend, (c) => c.quote(simAk, NONCE, SEL));
      const swCmd = await record(swSend, (c) => c.quote(swAk, NONCE, SEL));
      const [raw2, simRaw, swRaw] = await best(
        3,
        () => opsPerSecond(() => sign('sha256', msg, key), 700),
        () => opsPerSecond(() => simSend(simCmd), 700),
        () => opsPerSecond(() => swSend(swCmd), 700, 5),
      );
      if (type === 'rsa') swtpmRsaQuotes = swRaw;
      // The RSA target is judged below on the default profile (what the platform runs); this
      // offloaded configuration is reported beside it.
      figures.push(
        figure(
          `TPM2_Quote, ${label} AK, simulator (command bytes in, response out)${where}`,
          simRaw,
          'quotes/s',
          { name: `node:crypto ${label} sign`, value: raw2, unit: 'signs/s' },
          { name: 'swtpm 0.7.1 over TCP, same bytes', value: swRaw, unit: 'quotes/s' },
          type === 'ecc' ? { text: '≥ 0.8 × raw sign rate and ≥ 5 × swtpm', met: simRaw >= 0.8 * raw2 && simRaw >= 5 * swRaw } : undefined,
        ),
      );
      figures.push(
        figure(`TPM2_Quote, ${label} AK, through TpmClient (in-process vs swtpm TCP)${where}`, simRate, 'quotes/s', { name: `node:crypto ${label} sign`, value: raw, unit: 'signs/s' }, { name: 'swtpm 0.7.1 over TCP', value: swRate, unit: 'quotes/s' }),
      );
      await sim.flushContext(simAk);
      await swc.flushContext(swAk);
    }

    // The RSA quote as src/platform runs it (default profile: the signature on the event loop),
    // and the offloaded quote beside node:crypto's own asynchronous sign, which makes the same
    // round trip through the libuv pool: what the offloaded figure above loses to the pool is there.
    {
      const defSim = await inProcessSim('never');
      const dc = new TpmClient(defSim.transport());
      const dAk = await loadAk(dc, 'rsa');
      const dCmd = await record((c) => defSim.execute(c), (c) => c.quote(dAk, NONCE, SEL));
      const offAk = await loadAk(sim, 'rsa');
      const offCmd = await record(simSend, (c) => c.quote(offAk, NONCE, SEL));
      const signAsync = () => new Promise((resolve, reject) => sign('sha256', msg, rsa, (e, sig) => (e ? reject(e) : resolve(sig))));
      const [rawSync, simDefault] = await best(
        3,
        () => opsPerSecond(() => sign('sha256', msg, rsa), 700),
        () => opsPerSecond(() => defSim.execute(dCmd), 700),
      );
      const [rawAsync, simOffloaded] = await best(
        3,
        () => opsPerSecond(signAsync, 700),
        () => opsPerSecond(() => simSend(offCmd), 700),
      );
      figures.push(
        figure(
          'TPM2_Quote, RSASSA-2048 AK, simulator with the default profile (signature on the event loop, as src/platform runs it)',
          simDefault,
          'quotes/s',
          { name: 'node:crypto RSASSA-2048 sign', value: rawSync, unit: 'signs/s' },
          { name: 'swtpm 0.7.1 over TCP, same bytes', value: swtpmRsaQuotes, unit: 'quotes/s' },
          { text: '≥ 0.8 × raw sign rate and ≥ 5 × swtpm', met: simDefault >= 0.8 * rawSync && simDefault >= 5 * swtpmRsaQuotes },
        ),
        figure("TPM2_Quote, RSASSA-2048 AK, simulator, signature in the libuv pool (cryptoOffload 'rsa'), beside the same asynchronous sign", simOffloaded, 'quotes/s', { name: 'node:crypto RSASSA-2048 sign with a callback (libuv pool)', value: rawAsync, unit: 'signs/s' }),
      );
      await dc.flushContext(dAk);
      await sim.flushContext(offAk);
    }

    // Many vTPMs quoting at once (the platform's case), signatures in the thread pool.
    {
      const nodes = 32;
      const clients: { c: TpmClient; ak: number }[] = [];
      for (let i = 0; i < nodes; i++) {
        const c = await inProcess('always');
        clients.push({ c, ak: await loadAk(c, 'ecc') });
      }
      const aggregate = async () => {
        const until = performance.now() + 700;
        let n = 0;
        await Promise.all(clients.map(async ({ c, ak }) => {
          while (performance.now() < until) {
            await c.quote(ak, NONCE, SEL);
            n++;
          }
        }));
        return (n * 1000) / 700;
      };
      const [raw, agg] = await best(3, () => opsPerSecond(() => sign('sha256', msg, { key: ec, dsaEncoding: 'ieee-p1363' }), 700), aggregate);
      figures.push(
        figure(`TPM2_Quote, ECDSA P-256, ${nodes} in-process vTPMs at once, signing in the libuv pool (cryptoOffload 'always')`, agg, 'quotes/s', { name: 'node:crypto ECDSA P-256 sign, one thread', value: raw, unit: 'signs/s' }),
      );
    }

    const extCmd = await record(simSend, (c) => c.pcrExtend(16, [DIGEST]));
    const [rawHash2, simExtRaw, swExtRaw] = await best(
      3,
      () => opsPerSecond(() => createHash('sha256').update(new Uint8Array(64)).digest(), 500),
      () => opsPerSecond(() => simSend(extCmd), 500),
      () => opsPerSecond(() => swSend(extCmd), 500),
    );
    figures.push(
      figure('TPM2_PCR_Extend (SHA-256 bank), simulator (command bytes in, response out)', simExtRaw, 'extends/s', { name: 'node:crypto SHA-256 of 64 bytes', value: rawHash2, unit: 'hashes/s' }, { name: 'swtpm 0.7.1 over TCP, same bytes', value: swExtRaw, unit: 'extends/s' }, {
        text: '≥ 5 × swtpm',
        met: simExtRaw >= 5 * swExtRaw,
      }),
    );
    const [rawHash, simExt, swExt] = await best(
      3,
      () => opsPerSecond(() => createHash('sha256').update(new Uint8Array(64)).digest(), 500),
      () => opsPerSecond(() => sim.pcrExtend(16, [DIGEST]), 500),
      () => opsPerSecond(() => swc.pcrExtend(16, [DIGEST]), 500),
    );
    figures.push(
      figure('TPM2_PCR_Extend (SHA-256 bank), through TpmClient (in-process vs swtpm TCP)', simExt, 'extends/s', { name: 'node:crypto SHA-256 of 64 bytes', value: rawHash, unit: 'hashes/s' }, { name: 'swtpm 0.7.1 over TCP', value: swExt, unit: 'extends/s' }),
    );

    // Manufacturing: ECC EK + AK with certificates, against the crypto it cannot avoid.
    const ca = createVtpmCa();
    const ecdh = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const floor = () => {
      generateKeyPairSync('ec', { namedCurve: 'P-256' });
      generateKeyPairSync('ec', { namedCurve: 'P-256' });
      sign('sha256', msg, ecdh);
      sign('sha256', msg, ecdh);
    };
    const [mfgRate, floorRate] = await best(
      3,
      () => opsPerSecond(() => manufactureVtpm({ ca }), 700),
      () => opsPerSecond(floor, 700),
    );
    const mfgMs = 1000 / mfgRate;
    const floorMs = 1000 / floorRate;
    let t: number;
    figures.push({
      name: 'manufacture one vTPM (ECC EK + AK, both certificates, state blob)',
      value: mfgMs,
      unit: 'ms',
      limit: { name: 'node:crypto 2 P-256 key pairs + 2 ECDSA signatures', value: floorMs, unit: 'ms' },
      ratio: floorMs / mfgMs,
      peer: { name: 'swtpm_setup (RSA EK + cert)', value: setupMs, unit: 'ms' },
      target: '≤ 1 ms',
      met: mfgMs <= 1,
    });

    // RSA-2048 EK derivation (deterministic from the seed, prime tests in the libuv pool).
    const m = await manufactureVtpm({ ca, ekTypes: ['ecc'] });
    const rsim = new TpmSimulator({ nv: new MemoryNvStore(m.state) });
    rsim.powerOn();
    await rsim.startup();
    const rc = new TpmClient(rsim.transport());
    t = performance.now();
    const ek = await rc.createPrimary(TPM_RH.ENDORSEMENT, ekTemplateRsa());
    const deriveMs = performance.now() - t;
    await rc.flushContext(ek.handle);
    t = performance.now();
    await rc.createPrimary(TPM_RH.ENDORSEMENT, ekTemplateRsa());
    const cachedMs = performance.now() - t;
    t = performance.now();
    generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaGenMs = performance.now() - t;
    figures.push(figure('RSA-2048 EK derived from the EPS (first time, off the event loop)', deriveMs, 'ms', { name: 'node:crypto RSA-2048 generateKeyPair', value: rsaGenMs, unit: 'ms' }));
    figures.push(figure('RSA-2048 EK again (cached per seed and template)', cachedMs, 'ms', undefined));

    // Memory: booted vTPMs resident at once (PCR banks, loaded EK/AK key objects).
    const count = 500;
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed + process.memoryUsage().external;
    const keep: TpmSimulator[] = [];
    for (let i = 0; i < count; i++) {
      const v = await manufactureVtpm({ ca });
      const s = new TpmSimulator({ nv: new MemoryNvStore(v.state) });
      s.powerOn({ locality: 3 });
      await s.startup();
      await new TpmClient(s.transport()).quote(PERSISTENT.AK, NONCE, SEL);
      keep.push(s);
    }
    globalThis.gc?.();
    const perVtpm = (process.memoryUsage().heapUsed + process.memoryUsage().external - before) / count;
    figures.push({
      name: 'memory per booted vTPM (after a quote)',
      value: perVtpm / 1024,
      unit: 'KiB',
      limit: { name: '1 GiB / 5,000 nodes', value: (1024 * 1024) / 5000, unit: 'KiB' },
      ratio: perVtpm / 1024 / ((1024 * 1024) / 5000),
      peer: { name: 'swtpm process RSS (reference doc §1.2)', value: 6.9 * 1024, unit: 'KiB' },
      target: '≤ 200 KiB',
      met: perVtpm / 1024 <= 200,
    });
    keep.length = 0;
    await swT.close();
    sw.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

