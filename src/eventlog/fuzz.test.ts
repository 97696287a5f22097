/**
 * Hostile input: random, truncated and mutated bytes must give a WireError with an offset inside
 * the input, or a valid parse — never another exception, a hang or an unbounded allocation. Every
 * consumer of a parsed log (decoders, tree, replay, verify, interpretation) must then cope too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WireError } from '../core/errors.js';
import { TPM_ALG_SHA1, TPM_ALG_SHA256 } from '../core/hash.js';
import { EventLogBuilder } from './builder/builder.js';
import { encodeEventLog } from './builder/encode.js';
import { decodeEvent } from './decode/index.js';
import { parseImaAscii, parseImaBinary, replayIma } from './ima/index.js';
import { bootChain, secureBootState } from './interpret/index.js';
import type { TcgEventLog } from './log-types.js';
import { parseEventLog } from './parse.js';
import { pcrValuesToHex, replay } from './replay.js';
import { KEYLIME, readBytes, tpm2ToolsFixtures } from './test-support/corpus.js';
import { toTpm2ToolsTree } from './tpm2-tools-tree.js';
import { verify } from './verify.js';

const CORPUS = [...tpm2ToolsFixtures().map((f) => f.bin), `${KEYLIME}/binary_bios_measurements-secureboot`, `${KEYLIME}/mb_log.bin`].map(readBytes);

/** Parse; if it parses, exercise every consumer. Returns 'ok' or the WireError. */
function exercise(bytes: Uint8Array): 'ok' | WireError {
  let log: TcgEventLog;
  try {
    log = parseEventLog(bytes);
  } catch (e) {
    if (e instanceof WireError) {
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset).toBeLessThanOrEqual(bytes.length);
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

  it('every truncation point of a real log', () => {
    const log = CORPUS[5]!; // event-postcode.bin: many event types
    let errors = 0;
    for (let n = 1; n < log.length; n += 7) if (exercise(log.subarray(0, n)) !== 'ok') errors++;
    expect(errors).toBeGreaterThan(log.length / 7 / 2);
  });

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

  it('a 4 GiB event size is refused at once, without allocating', () => {
    const b = new EventLogBuilder().bytes();
    const x = new Uint8Array(b.length + 20);
    x.set(b);
    const v = new DataView(x.buffer);
    v.setUint32(b.length + 8, 1, true); // one digest
    v.setUint16(b.length + 12, TPM_ALG_SHA1, true);
    const e = exercise(x);
    expect(e).toBeInstanceOf(WireError);
    const y = new Uint8Array(b.length + 12);
    y.set(b);
    new DataView(y.buffer).setUint32(b.length + 8, 0xffffffff, true);
    expect((exercise(y) as WireError).message).toMatch(/^TCG event log\[1\]: digest count 4294967295 exceeds 16 \(at offset \d+\)$/);
  });

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

describe('IMA parsers under hostile input', () => {
  it('binary: random and mutated bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
      try {
        replayIma(parseImaBinary(b));
      } catch (e) {
        expect(e).toBeInstanceOf(WireError);
      }
    }), { numRuns: 400 });
  });

  it('ASCII: random lines', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 120 }), { maxLength: 6 }), (lines) => {
      try {
        replayIma(parseImaAscii(lines.join('\n')));
      } catch (e) {
        expect(e).toBeInstanceOf(WireError);
      }
    }), { numRuns: 400 });
  });
});
