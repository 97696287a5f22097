/**
 * Hostile input: random, truncated and mutated bytes must give a WireError with an offset inside
 * the input, or a valid parse — never another exception, a hang or an unbounded allocation. Every
 * consumer of a parsed log (decoders, tree, replay, verify, interpretation) must then cope too.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../core/bytes.js';
import { WireError } from '../core/errors.js';
import { TPM_ALG_SHA1, TPM_ALG_SHA256 } from '../core/hash.js';
import { EventLogBuilder } from './builder/builder.js';
import { encodeEventLog } from './builder/encode.js';
import { decodeEvent } from './decode/index.js';
import { checkBootAggregate, ImaLogBuilder, parseImaAscii, parseImaBinary, parseImaLog, replayIma, templateHashInput, type ImaEntry } from './ima/index.js';
import { bootChain, secureBootState } from './interpret/index.js';
import type { TcgEvent, TcgEventLog } from './log-types.js';
import { parseEventLog } from './parse.js';
import { pcrValuesToHex, replay } from './replay.js';
import { KEYLIME, readBytes, TPM2_TOOLS, tpm2ToolsFixtures } from './test-support/corpus.js';
import { toTpm2ToolsTree } from './tpm2-tools-tree.js';
import { verify } from './verify.js';

const CORPUS_PATHS = [...tpm2ToolsFixtures().map((f) => f.bin), ...['binary_bios_measurements', 'binary_bios_measurements-secureboot', 'mb_log.bin'].map((f) => `${KEYLIME}/${f}`)];
const CORPUS_NAMES = CORPUS_PATHS.map((p) => p.slice(p.lastIndexOf('/') + 1));
const CORPUS = CORPUS_PATHS.map(readBytes);

/** Parse; if it parses, exercise every consumer. Returns 'ok' or the WireError. */
function exercise(bytes: Uint8Array): 'ok' | WireError {
  let log: TcgEventLog;
  try {
    log = parseEventLog(bytes);
  } catch (e) {
    if (e instanceof WireError) {
      // A plain throw, not expect(): this runs for ≈ 236,000 truncated prefixes.
      if (!(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= bytes.length)) throw new Error(`WireError offset ${e.offset} outside 0..${bytes.length}: ${e.message}`);
      return e;
    }
    throw e;
  }
  for (const ev of log.events) decodeEvent(ev);
  toTpm2ToolsTree(log, { version: 2 });
  toTpm2ToolsTree(log, { version: 1, devicePaths: 'hex' });
  const q = pcrValuesToHex(replay(log));
  const v = verify(log, q);
  secureBootState(v.events);
  bootChain(v.events);
  return 'ok';
}

/**
 * Parse each prefix `full[0, n)` (and, when it parses, run every consumer). Checked without
 * expect() in the loop; every deviation is collected and returned for one assertion.
 */
function truncations(full: Uint8Array, log: TcgEventLog, offsets: readonly number[]): { bad: string[]; cut: number; whole: number } {
  const starts = log.events.map((e) => e.offset);
  const same = (events: readonly TcgEvent[]) => events.map((e) => `${e.offset}/${e.dataOffset}/${e.data.length}`).join(' ');
  const bad: string[] = [];
  let cut = 0;
  let whole = 0;
  for (const n of offsets) {
    let k = 0; // records that start inside the prefix
    while (k < starts.length && starts[k]! < n) k++;
    const prefix = full.subarray(0, n);
    let r: 'ok' | WireError;
    try {
      r = exercise(prefix);
    } catch (e) {
      bad.push(`${n}: threw ${String(e)}`);
      continue;
    }
    if (n > 0 && starts[k] === n) {
      // A record boundary: exactly the first k records, where they were.
      if (r !== 'ok') bad.push(`${n}: boundary after ${k} records gave ${r.message}`);
      else if (same(parseEventLog(prefix).events) !== same(log.events.slice(0, k))) bad.push(`${n}: boundary: records differ`);
      whole++;
      continue;
    }
    const rec = k === 0 ? 0 : k - 1; // the record that was cut
    if (!(r instanceof WireError)) bad.push(`${n}: parsed a prefix that ends inside record ${rec}`);
    else if (!(n === 0 ? /^TCG event log: empty event log \(at offset 0\)$/ : /truncated/).test(r.message)) bad.push(`${n}: ${r.message}`);
    else if (r.offset < (k === 0 ? 0 : starts[rec]!) || r.offset > n) bad.push(`${n}: offset ${r.offset} outside record ${rec} (${starts[rec]}…${n}): ${r.message}`);
    else if (rec > 0 && !r.message.startsWith(`TCG event log[${rec}]: `)) bad.push(`${n}: does not name record ${rec}: ${r.message}`);
    cut++;
  }
  return { bad, cut, whole };
}

describe('TCG event log parser under hostile input', () => {
  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => void exercise(b)), { numRuns: 400 });
  });

  it('random bytes behind a valid Spec ID header', () => {
    const header = new EventLogBuilder({ banks: [TPM_ALG_SHA1, TPM_ALG_SHA256] }).bytes();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
      const x = new Uint8Array(header.length + b.length);
      x.set(header);
      x.set(b, header.length);
      void exercise(x);
    }), { numRuns: 400 });
  });

  // A prefix ending on a record boundary is a shorter valid log (the same records); any other prefix
  // is a WireError naming the record it cut, with an offset inside that record and inside the
  // prefix — never another exception, never a hang. Every offset of each corpus log up to 20 KB
  // (≈ 83,000 prefixes, both log formats); the four larger logs (29–49 KB) every offset inside a
  // record header (where the parser's branches are) and every 7th inside event data, to keep the
  // quadratic cost of re-parsing prefixes at a few seconds.
  const SMALL = 20_000;
  for (const [i, name] of CORPUS_NAMES.entries()) {
    const full = CORPUS[i]!;
    const title = full.length <= SMALL ? `every truncation point of ${name} (${full.length} B)` : `every truncation point inside a record header, and every 7th inside event data, of ${name} (${full.length} B)`;
    it(title, () => {
      const log = parseEventLog(full);
      const offsets: number[] = [];
      if (full.length <= SMALL) for (let n = 0; n < full.length; n++) offsets.push(n);
      else {
        for (const e of log.events) {
          for (let n = e.offset; n <= e.dataOffset; n++) offsets.push(n);
          for (let n = e.dataOffset + 7; n < e.dataOffset + e.data.length; n += 7) offsets.push(n);
          if (e.data.length > 1) offsets.push(e.dataOffset + e.data.length - 1);
        }
      }
      const { bad, cut, whole } = truncations(full, log, [...new Set(offsets)].filter((n) => n < full.length));
      expect(bad).toEqual([]);
      expect(whole).toBe(log.events.length - 1); // every record boundary was tried
      if (full.length <= SMALL) expect(cut + whole).toBe(full.length);
      else expect(cut).toBeGreaterThan(log.events.length * 12); // all header bytes of every record
    });
  }

  it('mutated real logs (byte flips, overwritten length fields)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: CORPUS.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (i, muts) => {
        const b = CORPUS[i]!.slice();
        for (const [at, v] of muts) b[at % b.length] = v;
        void exercise(b);
      }),
      { numRuns: 600 },
    );
  });

  it('a digest count of 2^32 − 1, or a digest cut short, is refused at once', () => {
    const b = new EventLogBuilder().bytes();
    const x = new Uint8Array(b.length + 20);
    x.set(b);
    const v = new DataView(x.buffer);
    v.setUint32(b.length + 8, 1, true); // one digest
    v.setUint16(b.length + 12, TPM_ALG_SHA1, true); // of which 6 of 20 bytes are present
    expect((exercise(x) as WireError).message).toBe(`TCG event log[1]: truncated: digest needs 20 bytes, 6 left (at offset ${b.length + 14})`);
    const y = new Uint8Array(b.length + 12);
    y.set(b);
    new DataView(y.buffer).setUint32(b.length + 8, 0xffffffff, true);
    expect((exercise(y) as WireError).message).toBe(`TCG event log[1]: digest count 4294967295 exceeds 16 (at offset ${b.length + 8})`);
  });

  // The records before the bad one are valid (so the parser reaches its eventSize field), the bad
  // record's header is valid up to its size, and 24 bytes of data follow: only the size is wrong.
  const hugeSizes = [0xffffffff, 0x7fffffff];
  const realLogs = [
    { name: 'crypto-agile (SHA-1 + SHA-256) built log', bytes: () => { const b = new EventLogBuilder(); for (let i = 0; i < 4; i++) b.measured(8, 0x0d, utf8(`grub_cmd: step ${i} ${'x'.repeat(i)}\0`)); return b.bytes(); } },
    { name: 'SHA-1-format log event-uefi-sha1-log.bin', bytes: () => readBytes(`${TPM2_TOOLS}/event-uefi-sha1-log.bin`) },
    { name: 'crypto-agile keylime binary_bios_measurements', bytes: () => readBytes(`${KEYLIME}/binary_bios_measurements`) },
  ];
  for (const size of hugeSizes) {
    for (const src of realLogs) {
      it(`an eventSize of 0x${size.toString(16)} in the ${src.name} is refused at its size field, without allocating`, () => {
        const original = src.bytes();
        const events = parseEventLog(original).events;
        const victim = events[3]!; // after three good records
        const sizeAt = victim.dataOffset - 4;
        const x = original.slice(0, victim.dataOffset + 24);
        expect(new DataView(x.buffer).getUint32(sizeAt, true)).toBe(victim.data.length); // the field really is eventSize
        new DataView(x.buffer).setUint32(sizeAt, size, true);
        expect(new DataView(x.buffer).getUint32(sizeAt, true)).toBe(size);
        const before = process.memoryUsage().arrayBuffers;
        // Refused without allocating the announced size (a hang is the test timeout's to catch: speed
        // belongs to the benchmarks, not to assertions here).
        const e = exercise(x);
        expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
        expect(e).toBeInstanceOf(WireError);
        expect((e as WireError).offset).toBe(sizeAt);
        expect((e as WireError).message).toBe(`TCG event log[3]: truncated: eventSize ${size} exceeds the 24 bytes left (at offset ${sizeAt})`);
      });
    }
  }

  it('built logs of random events round-trip byte-exact and replay to the builder\'s PCRs', () => {
    const ev = fc.record({ pcr: fc.integer({ min: 0, max: 23 }), type: fc.integer({ min: 0, max: 0x800000e2 }), data: fc.uint8Array({ maxLength: 64 }) });
    fc.assert(fc.property(fc.array(ev, { maxLength: 30 }), (evs) => {
      const b = new EventLogBuilder();
      for (const e of evs) b.measured(e.pcr, e.type === 3 ? 4 : e.type, e.data);
      const { bytes, pcrs } = b.finish();
      const log = parseEventLog(bytes);
      expect(Buffer.from(encodeEventLog(log)).equals(Buffer.from(bytes))).toBe(true);
      expect(pcrValuesToHex(replay(log))).toEqual(pcrValuesToHex(pcrs));
      void exercise(bytes);
    }), { numRuns: 150 });
  });
});

/** A real boot's PCRs, for checkBootAggregate on whatever IMA list parses. */
const BOOT_PCRS = replay(parseEventLog(readBytes(`${KEYLIME}/binary_bios_measurements`)));

/**
 * Parse an IMA list; when it parses, replay it into both banks and check its boot_aggregate.
 * A WireError must carry an offset in 0..length (a plain throw otherwise: this runs in loops).
 */
function exerciseIma(parse: () => ImaEntry[], length: number): ImaEntry[] | WireError {
  let entries: ImaEntry[];
  try {
    entries = parse();
  } catch (e) {
    if (e instanceof WireError) {
      if (!(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= length)) throw new Error(`WireError offset ${e.offset} outside 0..${length}: ${e.message}`);
      return e;
    }
    throw e;
  }
  replayIma(entries, [TPM_ALG_SHA1, TPM_ALG_SHA256]);
  if (entries[0]) checkBootAggregate(entries[0], BOOT_PCRS);
  return entries;
}

/** What an entry's template hash covers (the template name and the PCR are not covered). */
const measured = (e: ImaEntry) => `${toHex(e.templateHash)} ${toHex(templateHashInput(e.templateName, e.fields))}`;

/**
 * Entries of a damaged list that parsed: each one that is not one of the original measurements (in
 * what its template hash covers) must be reported by replayIma as a template-hash mismatch or a
 * violation. Not by index: a damaged length can make one entry swallow the next, shifting the
 * genuine ones after it.
 */
function unflaggedChanges(parsed: readonly ImaEntry[], original: readonly ImaEntry[]): number[] {
  const genuine = new Set(original.map(measured));
  // A changed entry is detectable when its template hash does not match its data, or when its
  // template hash reads as zero: IMA's violation record, whose data is not hashed and which extends
  // PCR 10 with all-ones, so the replay no longer equals the quoted PCR 10 (a mutation that lands
  // in a zero run can produce one).
  const r = replayIma(parsed);
  const flagged = new Set([...r.templateHashMismatches, ...r.violations]);
  return parsed.filter((e) => !genuine.has(measured(e)) && !flagged.has(e.index)).map((e) => e.index);
}

/** A binary list as our ImaLogBuilder writes it, and where each entry starts (read with a DataView, not the parser). */
function builtBinaryList(template: 'ima-ng' | 'ima-sig'): { bytes: Uint8Array; starts: number[] } {
  const b = new ImaLogBuilder(template);
  b.bootAggregate('sha256', new Uint8Array(32).fill(0x42));
  for (let i = 0; i < 11; i++) {
    b.add({ path: `/usr/lib/modules/6.1.0/kernel/mod ${i}.ko`, algorithm: i % 4 === 3 ? 'sha1' : 'sha256', digest: new Uint8Array(i % 4 === 3 ? 20 : 32).fill(i), signature: template === 'ima-sig' && i % 2 ? Uint8Array.of(3, 2, 4, 1, i) : undefined });
  }
  const bytes = b.binary();
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const starts: number[] = [];
  for (let at = 0; at < bytes.length;) {
    starts.push(at);
    const nameLen = v.getUint32(at + 24, true);
    at += 28 + nameLen + 4 + v.getUint32(at + 28 + nameLen, true);
  }
  return { bytes, starts };
}

const isBinaryList = (b: Uint8Array) => b.length >= 4 && b[1] === 0 && b[2] === 0 && b[3] === 0 && b[0]! < 24;
/** An ASCII list's WireError points at the start of the line it refused. */
const atLineStart = (b: Uint8Array, offset: number) => offset === 0 || b[offset - 1] === 0x0a;

describe('IMA parsers under hostile input', () => {
  it('binary: random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
      void exerciseIma(() => parseImaBinary(b), b.length);
      void exerciseIma(() => parseImaLog(b), b.length);
    }), { numRuns: 400 });
  });

  it('ASCII: random lines (printable ASCII, and any Unicode), errors at the UTF-8 byte offset of the refused line', () => {
    const line = fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 60 }));
    fc.assert(fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
      const text = lines.join('\n');
      const bytes = utf8(text);
      const r = exerciseIma(() => parseImaAscii(text), bytes.length);
      if (r instanceof WireError) expect(atLineStart(bytes, r.offset)).toBe(true);
      void exerciseIma(() => parseImaLog(bytes), bytes.length);
    }), { numRuns: 400 });
  });

  it('ASCII read as bytes: random bytes (invalid UTF-8 included) give byte offsets of line starts', () => {
    const byte = fc.oneof(fc.constantFrom(0x0a, 0x20, 0x3a, 0x30, 0x31, 0x61), fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 0, max: 0xff }));
    fc.assert(fc.property(fc.array(byte, { maxLength: 300 }), (arr) => {
      const b = Uint8Array.from(arr);
      const r = exerciseIma(() => parseImaLog(b), b.length);
      if (r instanceof WireError && !isBinaryList(b)) expect(atLineStart(b, r.offset)).toBe(true);
    }), { numRuns: 400 });
  });

  it('ASCII: the offset of a refused line counts UTF-8 bytes, as in the file (not UTF-16 code units)', () => {
    const text = `${readFileSync(`${KEYLIME}/ima-log-sha256`, 'utf8').replace('/data', '/dätä/日本')}10 not-a-hash ima-ng sha256:00 /x\n`;
    const bytes = utf8(text);
    const lineAt = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    expect(lineAt).toBeGreaterThan(text.lastIndexOf('\n', text.length - 2) + 1); // the two counts differ here
    for (const r of [exerciseIma(() => parseImaAscii(text), bytes.length), exerciseIma(() => parseImaLog(bytes), bytes.length)]) {
      expect((r as WireError).message).toBe(`ima ascii_runtime_measurements: line 3: template hash is not 40 hex digits (at offset ${lineAt})`);
    }
  });

  describe('keylime ima-log-sha256 (ima-ng, ASCII)', () => {
    const bytes = readBytes(`${KEYLIME}/ima-log-sha256`);
    const original = parseImaLog(bytes);

    it('every truncation point: whole lines parse to those entries; a cut line is refused at its start, or parses and fails its template hash', () => {
      expect(original).toHaveLength(2);
      expect(replayIma(original).templateHashMismatches).toEqual([]);
      const bad: string[] = [];
      let refused = 0;
      let flagged = 0;
      for (let n = 0; n <= bytes.length; n++) {
        const prefix = bytes.subarray(0, n);
        const lineStart = n === 0 ? 0 : bytes.lastIndexOf(0x0a, n - 1) + 1;
        const whole = bytes.subarray(0, lineStart).filter((c) => c === 0x0a).length; // complete lines
        for (const r of [exerciseIma(() => parseImaLog(prefix), n), exerciseIma(() => parseImaAscii(new TextDecoder().decode(prefix)), n)]) {
          if (r instanceof WireError) {
            if (lineStart === n) bad.push(`${n}: whole lines refused: ${r.message}`);
            else if (r.offset !== lineStart) bad.push(`${n}: refused at ${r.offset}, not at the cut line's start ${lineStart}: ${r.message}`);
            refused++;
            continue;
          }
          if (r.slice(0, whole).map(measured).join() !== original.slice(0, whole).map(measured).join()) bad.push(`${n}: complete lines parsed differently`);
          if (r.length !== whole + (lineStart === n ? 0 : 1)) bad.push(`${n}: ${r.length} entries from ${whole} lines and a cut one`);
          const changed = unflaggedChanges(r, original);
          if (changed.length) bad.push(`${n}: changed entries not flagged: ${changed}`);
          if (r.length > whole && measured(r[whole]!) !== measured(original[whole]!)) flagged++;
        }
      }
      expect(bad).toEqual([]);
      expect(refused).toBeGreaterThan(100); // cuts before the path: PCR, template hash, name, digest
      expect(flagged).toBeGreaterThan(20); // cuts inside the path or an even number of hex digits
    });

    it('byte mutations: a parse whose changed entries all fail their template hash, or a WireError at a line start', () => {
      fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (muts) => {
        const b = bytes.slice();
        for (const [at, v] of muts) b[at % b.length] = v;
        const r = exerciseIma(() => parseImaLog(b), b.length);
        if (r instanceof WireError) {
          if (!isBinaryList(b)) expect(atLineStart(b, r.offset)).toBe(true);
        } else expect(unflaggedChanges(r, original)).toEqual([]);
      }), { numRuns: 500 });
    });
  });

  for (const template of ['ima-ng', 'ima-sig'] as const) {
    describe(`binary ${template} list from ImaLogBuilder`, () => {
      const { bytes, starts } = builtBinaryList(template);
      const original = parseImaBinary(bytes);

      it('every truncation point: entry boundaries parse to those entries; any other cut is a WireError inside the cut entry', () => {
        expect(original).toHaveLength(12);
        expect(replayIma(original).templateHashMismatches).toEqual([]);
        const bad: string[] = [];
        for (let n = 0; n < bytes.length; n++) {
          const k = starts.filter((s) => s < n).length; // entries that start inside the prefix
          const r = exerciseIma(() => parseImaBinary(bytes.subarray(0, n)), n);
          // Auto-detection too (a prefix under 4 bytes cannot be told from ASCII: "\n" is an empty ASCII list).
          void exerciseIma(() => parseImaLog(bytes.subarray(0, n)), n);
          if (n === 0 || starts[k] === n) {
            if (r instanceof WireError) bad.push(`${n}: boundary refused: ${r.message}`);
            else if (r.map(measured).join() !== original.slice(0, k).map(measured).join()) bad.push(`${n}: boundary parsed differently`);
            continue;
          }
          const rec = k - 1;
          if (!(r instanceof WireError)) bad.push(`${n}: a cut inside entry ${rec} parsed`);
          else if (r.offset < starts[rec]! || r.offset > n) bad.push(`${n}: offset ${r.offset} outside entry ${rec} (${starts[rec]}…${n}): ${r.message}`);
          else if (!r.message.startsWith(`ima binary_runtime_measurements.[${rec}]: `)) bad.push(`${n}: does not name entry ${rec}: ${r.message}`);
        }
        expect(bad).toEqual([]);
      });

      it('byte mutations: a parse whose changed entries all fail their template hash, or a WireError in range', () => {
        fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (muts) => {
          const b = bytes.slice();
          for (const [at, v] of muts) b[at % b.length] = v;
          const r = exerciseIma(() => parseImaBinary(b), b.length);
          if (!(r instanceof WireError)) expect(unflaggedChanges(r, original)).toEqual([]);
          void exerciseIma(() => parseImaLog(b), b.length);
        }), { numRuns: 500 });
      });

      it('a d-ng field without its "<algo>:" prefix is refused at that field, naming the entry', () => {
        const fieldAt = starts[2]! + 28 + template.length + 4 + 4; // entry header, name, data length, d-ng length
        const b = bytes.slice();
        expect(new TextDecoder().decode(b.subarray(fieldAt, fieldAt + 7))).toBe('sha256:');
        b[fieldAt + 6] = 0x3b; // ':' → ';'
        const r = exerciseIma(() => parseImaBinary(b), b.length);
        expect((r as WireError).message).toBe(`ima binary_runtime_measurements.[2]: d-ng field lacks its "<algo>:\\0" prefix (at offset ${fieldAt})`);
      });

      it('hostile lengths in entry 2 are refused at their field without allocating', () => {
        const nameAt = starts[2]! + 24;
        const dataLenAt = nameAt + 4 + template.length;
        const cases: [number, number, string][] = [
          [nameAt, 0xffffffff, 'template name length 4294967295 out of range 1..255'],
          [nameAt, 0, 'template name length 0 out of range 1..255'],
          [dataLenAt, 0xffffffff, 'template data length 4294967295 exceeds 1048576'],
          [dataLenAt, 0x100000, `truncated: template data needs 1048576 bytes, ${bytes.length - dataLenAt - 4} left`],
        ];
        for (const [at, value, message] of cases) {
          const b = bytes.slice();
          new DataView(b.buffer).setUint32(at, value, true);
          const r = exerciseIma(() => parseImaBinary(b), b.length);
          expect(r).toBeInstanceOf(WireError);
          expect((r as WireError).message).toBe(`ima binary_runtime_measurements.[2]: ${message} (at offset ${message.startsWith('truncated') ? at + 4 : at})`);
        }
      });
    });
  }
});
