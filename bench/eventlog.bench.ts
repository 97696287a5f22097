/**
 * Event log parse + replay, verify, build and IMA replay (issue 6 "Performance").
 *
 * Limit: the raw rate of 64-byte SHA-256 hashes through node:crypto's one-shot `hash()` on this
 * machine, measured in this run — a PCR extend is exactly one such hash, so a log with E extending
 * events in B banks cannot be replayed faster than E·B hashes allow. Peer: Debian's tpm2_eventlog
 * (tpm2-tools 5.4) run as a process on the same files, which is how keylime consumes logs.
 */
import { spawnSync } from 'node:child_process';
import { createHash, hash as oneShotHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { TPM_ALG_SHA1, TPM_ALG_SHA256, hashById } from '../src/core/hash.js';
import { dp, encodeDevicePath } from '../src/core/efi/index.js';
import { buildEmulatedBoot, type EmulatedBootSpec } from '../src/eventlog/builder/emulated-boot.js';
import { decodeEvent } from '../src/eventlog/decode/index.js';
import { EV_EFI_VARIABLE_DRIVER_CONFIG, EV_NO_ACTION } from '../src/eventlog/event-types.js';
import { ImaLogBuilder, parseImaBinary, replayIma } from '../src/eventlog/ima/index.js';
import { parseEventLog } from '../src/eventlog/parse.js';
import { replay, pcrValuesToHex } from '../src/eventlog/replay.js';
import { verify } from '../src/eventlog/verify.js';
import { opsPerSecondSync, type Figure } from './harness.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const REPO = resolve(here, here.includes('/dist/') ? '../..' : '..');
const CORPUS = resolve(REPO, 'src/eventlog/testdata');

function corpusLogs(): { name: string; bytes: Uint8Array }[] {
  const t = join(CORPUS, 'tpm2-tools');
  const k = join(CORPUS, 'keylime');
  return [
    ...readdirSync(t).filter((f) => f.startsWith('event') && f.endsWith('.bin')).map((f) => join(t, f)),
    ...['binary_bios_measurements', 'binary_bios_measurements-secureboot', 'mb_log.bin'].map((f) => join(k, f)),
  ].map((p) => ({ name: p.split('/').pop()!, bytes: new Uint8Array(readFileSync(p)) }));
}

/** A typical boot: real Secure Boot databases (keylime RHEL 9 log), shim/grub/kernel, 100 events, SHA-1 + SHA-256. */
function typicalSpec(): EmulatedBootSpec {
  const real = parseEventLog(new Uint8Array(readFileSync(join(CORPUS, 'keylime/binary_bios_measurements-secureboot'))));
  const vars = new Map<string, Uint8Array>();
  for (const e of real.events) {
    const d = e.eventType === EV_EFI_VARIABLE_DRIVER_CONFIG ? decodeEvent(e) : undefined;
    if (d?.kind === 'variable') vars.set(d.variable.UnicodeName, d.variable.VariableData);
  }
  const dig = (s: string) => (algId: number) => new Uint8Array(createHash(hashById(algId)!.nodeName!).update(s).digest());
  const img = (s: string) => ({ authenticode: dig(s), length: 1_000_000n, devicePath: encodeDevicePath([dp.filePath(`\\EFI\\${s}.efi`)]) });
  return {
    firmwareVersion: 'Hyper-V UEFI Release v4.1', firmwareVolumes: [{ base: 0xffc00000n, length: 0x400000n, digests: dig('fv') }],
    secureBoot: true, pk: vars.get('PK')!, kek: vars.get('KEK')!, db: vars.get('db')!, dbx: vars.get('dbx')!,
    bootOrder: [1], bootOptions: [{ number: 1, description: 'ubuntu', devicePath: encodeDevicePath([dp.filePath('\\EFI\\ubuntu\\shimx64.efi')]) }],
    shim: img('shim'), grub: img('grub'), sbatLevel: 'sbat,1,2022052400\ngrub,2\n', mok: { mokList: new Uint8Array(64), mokListX: new Uint8Array(64) },
    grubCommands: Array.from({ length: 68 }, (_, i) => `[ -e /boot/grub/step${i} ]`),
    grubFiles: [{ path: '(hd0,gpt1)/boot/grub/grub.cfg', digests: dig('cfg') }],
    kernel: { ...img('vmlinuz'), path: '/boot/vmlinuz', fileDigests: dig('vmlinuz') }, cmdline: 'root=/dev/sda1 ro', initrd: { path: '/boot/initrd.img', digests: dig('initrd') },
  };
}

/** Median wall time of `n` runs of tpm2_eventlog on a file, in ms (process start included, as keylime pays it). */
function tpm2EventlogMs(file: string, n: number): number | undefined {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = spawnSync('tpm2_eventlog', [file], { stdio: 'ignore' });
    if (r.error || r.status !== 0) return undefined;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tl-eventlog-bench-'));

  // Limit: raw 64-byte SHA-256 (one PCR extend) and 40-byte SHA-1.
  const buf64 = Buffer.alloc(64, 7);
  const sha256PerSec = opsPerSecondSync(() => oneShotHash('sha256', buf64, 'buffer'), 1000, 1000);
  const sha1PerSec = opsPerSecondSync(() => oneShotHash('sha1', buf64.subarray(0, 40), 'buffer'), 1000, 1000);
  const createHashPerSec = opsPerSecondSync(() => createHash('sha256').update(buf64.subarray(0, 32)).update(buf64.subarray(32)).digest(), 1000, 1000);
  figures.push({ name: 'raw SHA-256 of 64 bytes (node:crypto hash(), the limit)', value: sha256PerSec, unit: 'hashes/s' });
  figures.push({
    name: 'SHA-256 extend via createHash().update().update().digest() (the naive way)', value: createHashPerSec, unit: 'hashes/s',
    limit: { name: 'hash() one-shot', value: sha256PerSec, unit: 'hashes/s' }, ratio: createHashPerSec / sha256PerSec,
  });

  // Typical log: 100 events, SHA-1 + SHA-256.
  const spec = typicalSpec();
  const built = buildEmulatedBoot(spec);
  const typical = built.bytes;
  const typicalFile = join(dir, 'typical.bin');
  writeFileSync(typicalFile, typical);
  const log0 = parseEventLog(typical);
  const extending = log0.events.filter((e) => e.eventType !== EV_NO_ACTION).length;
  const perLog = opsPerSecondSync(() => replay(parseEventLog(typical)), 1500, 200);
  const ms = 1000 / perLog;
  // Time the hashes alone would take at the limit: SHA-1 and SHA-256 extends.
  const limitMs = 1000 * (extending / sha1PerSec + extending / sha256PerSec);
  const peerMs = tpm2EventlogMs(typicalFile, 21);
  figures.push({
    name: `parse + replay, typical log (${log0.events.length} events, 2 banks, ${typical.length} B)`, value: ms, unit: 'ms/log',
    limit: { name: `${extending * 2} extends at the raw hash rate`, value: limitMs, unit: 'ms/log' }, ratio: limitMs / ms,
    ...(peerMs !== undefined ? { peer: { name: 'tpm2_eventlog 5.4 (process)', value: peerMs, unit: 'ms/log' } } : {}),
    target: '≤ 0.3 ms', met: ms <= 0.3,
  });
  if (peerMs !== undefined) {
    figures.push({ name: 'speed-up over tpm2_eventlog per typical log', value: peerMs / ms, unit: '×', target: '≥ 20×', met: peerMs / ms >= 20 });
  }

  // Corpus throughput.
  const logs = corpusLogs();
  const totalEvents = logs.reduce((n, l) => n + parseEventLog(l.bytes).events.length, 0);
  const totalBytes = logs.reduce((n, l) => n + l.bytes.length, 0);
  const totalExtends = logs.reduce((n, l) => {
    const g = parseEventLog(l.bytes);
    return n + g.events.filter((e) => e.eventType !== EV_NO_ACTION).reduce((m, e) => m + e.digests.length, 0);
  }, 0);
  const corpusPerSec = opsPerSecondSync(() => { for (const l of logs) replay(parseEventLog(l.bytes)); }, 1500, 20);
  let peerCorpusMs = 0;
  let peerOk = true;
  for (const l of logs) {
    const f = join(dir, l.name);
    writeFileSync(f, l.bytes);
    const t = tpm2EventlogMs(f, 5);
    if (t === undefined) peerOk = false;
    else peerCorpusMs += t;
  }
  figures.push({
    name: `corpus parse + replay (${logs.length} real logs, ${totalEvents} events, all banks)`, value: totalEvents * corpusPerSec, unit: 'events/s',
    limit: { name: `raw hash rate for ${totalExtends} extends`, value: (totalEvents * sha256PerSec) / totalExtends, unit: 'events/s' },
    ratio: (totalEvents * corpusPerSec) / ((totalEvents * sha256PerSec) / totalExtends),
    ...(peerOk ? { peer: { name: 'tpm2_eventlog 5.4 (process per log)', value: (totalEvents * 1000) / peerCorpusMs, unit: 'events/s' } } : {}),
  });
  figures.push({ name: 'corpus parse + replay bytes', value: (totalBytes * corpusPerSec) / 1e6, unit: 'MB/s',
    ...(peerOk ? { peer: { name: 'tpm2_eventlog 5.4 (process per log)', value: totalBytes / 1000 / peerCorpusMs, unit: 'MB/s' } } : {}) });

  // verify() with the typical log against its quote values (replay + digest checks).
  const quoted = pcrValuesToHex(built.pcrs);
  const verifyPerSec = opsPerSecondSync(() => verify(parseEventLog(typical), quoted), 1000, 50);
  figures.push({ name: 'verify(log, quotedPcrs) incl. parse and event-data digest checks, typical log', value: 1000 / verifyPerSec, unit: 'ms/log' });

  // Builder: one node boot.
  const buildPerSec = opsPerSecondSync(() => buildEmulatedBoot(spec), 1000, 50);
  figures.push({
    name: 'build an emulated boot log + expected PCRs (100 events, 2 banks)', value: 1000 / buildPerSec, unit: 'ms/node',
    limit: { name: '5,000 nodes', value: (5000 * 1000) / buildPerSec / 1000, unit: 's for 5,000 nodes' },
  });

  // IMA: 1,000-entry ima-ng list, binary, replayed into SHA-1 and SHA-256 PCR 10.
  const ima = new ImaLogBuilder('ima-ng');
  ima.bootAggregate('sha256', new Uint8Array(32));
  for (let i = 0; i < 999; i++) ima.add({ path: `/usr/lib/modules/6.1/kernel/m${i}.ko`, algorithm: 'sha256', digest: new Uint8Array(32).fill(i & 0xff) });
  const imaBin = ima.binary();
  const imaPerSec = opsPerSecondSync(() => replayIma(parseImaBinary(imaBin), [TPM_ALG_SHA1, TPM_ALG_SHA256]), 1000, 5);
  figures.push({
    name: 'IMA ima-ng binary list: parse + template-hash check + PCR 10 replay (SHA-1, SHA-256)', value: 1000 * imaPerSec, unit: 'entries/s',
    limit: { name: 'raw hash rate / 4 hashes per entry', value: sha256PerSec / 4, unit: 'entries/s' }, ratio: (1000 * imaPerSec) / (sha256PerSec / 4),
  });
  return figures;
}
