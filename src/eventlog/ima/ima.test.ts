import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes.js';
import { TPM_ALG_SHA1, TPM_ALG_SHA256 } from '../../core/hash.js';
import { buildEmulatedBoot } from '../builder/emulated-boot.js';
import { parseEventLog } from '../parse.js';
import { replay } from '../replay.js';
import { KEYLIME, readBytes, TPM2_TOOLS } from '../test-support/corpus.js';
import { sampleBootSpec } from '../test-support/sample-boot.js';
import { bootAggregate, checkBootAggregate, ImaLogBuilder, parseImaAscii, parseImaBinary, parseImaLog, replayIma, templateHash } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-ima-'));
const pcrFile = (name: string, pcrs: ReadonlyMap<number, Uint8Array>, upTo: number) => {
  const p = join(dir, name);
  writeFileSync(p, Array.from({ length: upTo + 1 }, (_, i) => `PCR-${String(i).padStart(2, '0')}: ${toHex(pcrs.get(i) ?? new Uint8Array(pcrs.values().next().value!.length))}`).join('\n') + '\n');
  return p;
};
const evmctl = (args: string[]) => execFileSync('evmctl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('IMA corpus (keylime ima-log-sha256)', () => {
  const text = readFileSync(`${KEYLIME}/ima-log-sha256`, 'utf8');
  const entries = parseImaAscii(text);

  it('parses, and every entry\'s template data hashes to its logged template hash', () => {
    expect(entries.map((e) => [e.templateName, e.path, e.fileDigest!.algorithm])).toEqual([['ima-ng', 'boot_aggregate', 'sha256'], ['ima-ng', '/data', 'sha256']]);
    for (const e of entries) expect(toHex(templateHash('sha1', e.templateName, e.fields))).toBe(toHex(e.templateHash));
    expect(replayIma(entries).templateHashMismatches).toEqual([]);
  });

  it('PCR 10 (SHA-1 bank) is the chain of the logged template hashes', () => {
    let pcr = Buffer.alloc(20);
    for (const line of text.trim().split('\n')) pcr = createHash('sha1').update(pcr).update(Buffer.from(line.split(' ')[1]!, 'hex')).digest();
    expect(toHex(replayIma(entries).pcrs.get(TPM_ALG_SHA1)!.get(10)!)).toBe(pcr.toString('hex'));
  });

  it('a tampered path no longer matches its template hash', () => {
    const bad = parseImaAscii(text.replace('/data', '/date'));
    expect(replayIma(bad).templateHashMismatches).toEqual([1]);
  });
});

describe('boot_aggregate vs evmctl ima_boot_aggregate', () => {
  it('SHA-1, from a TPM 1.2-format event log (evmctl replays the log itself)', () => {
    const log = parseEventLog(readBytes(`${TPM2_TOOLS}/event-uefi-sha1-log.bin`));
    const ours = bootAggregate(replay(log).get(TPM_ALG_SHA1)!, TPM_ALG_SHA1);
    expect(evmctl(['ima_boot_aggregate', `${TPM2_TOOLS}/event-uefi-sha1-log.bin`]).trim().split('\n').at(-1)).toBe(`sha1:${toHex(ours)}`);
  });

  it('SHA-256 (PCRs 0–9), from a crypto-agile log replayed by us', () => {
    const pcrs = replay(parseEventLog(readBytes(`${KEYLIME}/binary_bios_measurements`))).get(TPM_ALG_SHA256)!;
    const ours = bootAggregate(pcrs, TPM_ALG_SHA256);
    const out = evmctl(['ima_boot_aggregate', '--pcrs', `sha256,${pcrFile('ba256', pcrs, 23)}`]).trim().split('\n').at(-1);
    expect(out).toBe(`sha256:${toHex(ours)}`);
  });
});

describe('IMA builder', () => {
  const boot = buildEmulatedBoot(sampleBootSpec());
  const tcgPcrs = boot.pcrs;
  const build = (template: 'ima-ng' | 'ima-sig') => {
    const b = new ImaLogBuilder(template);
    b.bootAggregate('sha256', bootAggregate(tcgPcrs.get(TPM_ALG_SHA256)!, TPM_ALG_SHA256));
    for (let i = 0; i < 50; i++) {
      const path = i % 2 ? `/usr/lib/modules/6.1.0/kernel/drivers/net/mod${i}.ko` : `/usr/bin/tool ${i}`; // a path with a space
      b.add({ path, algorithm: 'sha256', digest: createHash('sha256').update(path).digest(), signature: template === 'ima-sig' && i % 3 === 0 ? Uint8Array.of(3, 2, 4, 1, 2, 3) : undefined });
    }
    return b;
  };

  for (const template of ['ima-ng', 'ima-sig'] as const) {
    it(`${template}: evmctl ima_measurement validates our binary list against our PCR 10 (SHA-1 and SHA-256 banks)`, () => {
      const b = build(template);
      const bin = join(dir, `${template}.bin`);
      writeFileSync(bin, b.binary());
      const pcrs = b.pcrs();
      const args = ['ima_measurement', '--pcrs', `sha1,${pcrFile(`${template}-1`, pcrs.get(TPM_ALG_SHA1)!, 23)}`, '--pcrs', `sha256,${pcrFile(`${template}-256`, pcrs.get(TPM_ALG_SHA256)!, 23)}`, bin];
      const ok = spawnSync('evmctl', ['-v', ...args], { encoding: 'utf8' });
      expect(ok.status).toBe(0);
      expect(ok.stdout + ok.stderr).toMatch(/sha1 PCR-10: succeed at entry 51[\s\S]*sha256 PCR-10: succeed at entry 51[\s\S]*Matched per TPM bank calculated digest\(s\)/);
      // And a wrong PCR 10 is refused.
      const bad = new Map(pcrs.get(TPM_ALG_SHA256)!);
      bad.set(10, new Uint8Array(32).fill(7));
      const refused = spawnSync('evmctl', ['ima_measurement', '--pcrs', `sha256,${pcrFile(`${template}-bad`, bad, 23)}`, bin], { encoding: 'utf8' });
      expect(refused.status).not.toBe(0);
    });

    it(`${template}: binary and ASCII forms parse back to the same entries and PCRs; boot_aggregate checks against the TCG log`, () => {
      const b = build(template);
      const fromBin = parseImaBinary(b.binary());
      const fromAscii = parseImaAscii(b.ascii());
      expect(parseImaLog(b.binary()).length).toBe(51);
      expect(parseImaLog(new TextEncoder().encode(b.ascii())).length).toBe(51);
      const strip = (es: typeof fromBin) => es.map((e) => ({ ...e, fields: e.fields.map((f) => ({ id: f.id, data: toHex(f.data) })), templateHash: toHex(e.templateHash), fileDigest: toHex(e.fileDigest!.digest), signature: e.signature && toHex(e.signature) }));
      expect(strip(fromBin)).toEqual(strip(fromAscii));
      expect(strip(fromBin)).toEqual(strip([...b.list()]));
      expect(replayIma(fromAscii, [TPM_ALG_SHA1, TPM_ALG_SHA256]).pcrs).toEqual(b.pcrs());
      expect(checkBootAggregate(fromBin[0]!, tcgPcrs).ok).toBe(true);
      const other = new Map(tcgPcrs);
      other.set(TPM_ALG_SHA256, new Map([[0, new Uint8Array(32)]]));
      expect(checkBootAggregate(fromBin[0]!, other).ok).toBe(false);
    });
  }

  it('violations (zero template hash) extend all-0xFF, as the kernel does', () => {
    const text = '10 0000000000000000000000000000000000000000 ima-ng sha256:0000000000000000000000000000000000000000000000000000000000000000 /tmp/x\n';
    const r = replayIma(parseImaAscii(text), [TPM_ALG_SHA1, TPM_ALG_SHA256]);
    expect(r.violations).toEqual([0]);
    expect(toHex(r.pcrs.get(TPM_ALG_SHA256)!.get(10)!)).toBe(createHash('sha256').update(Buffer.alloc(32)).update(Buffer.alloc(32, 0xff)).digest('hex'));
  });

  it('legacy ima template: SHA-1 over the digest and the name padded to 256 bytes', () => {
    const digest = createHash('sha1').update('x').digest('hex');
    const padded = Buffer.alloc(256);
    padded.write('/bin/x');
    const th = createHash('sha1').update(Buffer.from(digest, 'hex')).update(padded).digest('hex');
    const e = parseImaAscii(`10 ${th} ima ${digest} /bin/x\n`);
    expect(replayIma(e).templateHashMismatches).toEqual([]);
    expect(e[0]!.fileDigest!.algorithm).toBe('sha1');
  });
});
