import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes.js';
import { hashById, TPM_ALG_SHA1, TPM_ALG_SHA256, TPM_ALG_SHA384 } from '../../core/hash.js';
import { EV_NO_ACTION } from '../event-types.js';
import { parseEventLog } from '../parse.js';
import { pcrValuesToHex, replay } from '../replay.js';
import { KEYLIME, readBytes, tpm2ToolsFixtures } from '../test-support/corpus.js';
import { sampleBootSpec } from '../test-support/sample-boot.js';
import { asFailsafe, dropFinalNewline, runTpm2Eventlog } from '../test-support/tpm2-eventlog.js';
import { toTpm2ToolsTree } from '../tpm2-tools-tree.js';
import { EventLogBuilder, type AppendedEvent } from './builder.js';
import { buildEmulatedBoot } from './emulated-boot.js';
import { encodeEventLog } from './encode.js';

describe('encodeEventLog is byte-exact', () => {
  const files = [...tpm2ToolsFixtures().map((f) => f.bin), ...['binary_bios_measurements', 'binary_bios_measurements-secureboot', 'mb_log.bin'].map((f) => `${KEYLIME}/${f}`)];
  for (const f of files) {
    if (f.endsWith('specid-vendordata.bin')) continue; // its eventDataSize is deliberately wrong (parse.ts tolerance)
    it(f.split('/').pop()!, () => {
      const bytes = readBytes(f);
      expect(toHex(encodeEventLog(parseEventLog(bytes)))).toBe(toHex(bytes));
    });
  }
});

describe('emulated boot logs', () => {
  it('replay to the builder\'s PCRs, and a TPM extended through onExtend holds the same values', () => {
    const tpm = new Map<string, Buffer>();
    const onExtend = (e: AppendedEvent) => {
      for (const d of e.digests) {
        const alg = hashById(d.algId)!;
        const key = `${alg.name}:${e.pcrIndex}`;
        tpm.set(key, createHash(alg.nodeName!).update(tpm.get(key) ?? Buffer.alloc(alg.digestSize)).update(d.digest).digest());
      }
    };
    const built = buildEmulatedBoot({ ...sampleBootSpec(), onExtend });
    const log = parseEventLog(built.bytes);
    expect(log.format).toBe('crypto-agile');
    expect(log.banks).toEqual([TPM_ALG_SHA1, TPM_ALG_SHA256]);
    expect(pcrValuesToHex(replay(log))).toEqual(pcrValuesToHex(built.pcrs));
    const fromTpm: Record<string, Record<number, string>> = {};
    for (const [k, v] of tpm) {
      const [bank, i] = k.split(':');
      (fromTpm[bank!] ??= {})[Number(i)] = v.toString('hex');
    }
    expect(fromTpm).toEqual(pcrValuesToHex(built.pcrs));
    expect(built.eventCount).toBe(log.events.length);
    expect(built.eventCount).toBe(100); // the bench's "typical 100-event log"
  });

  it('are deterministic', () => {
    expect(toHex(buildEmulatedBoot(sampleBootSpec()).bytes)).toBe(toHex(buildEmulatedBoot(sampleBootSpec()).bytes));
  });

  it('are accepted by Debian tpm2_eventlog with the same PCRs and the same decoding', () => {
    for (const banks of [[TPM_ALG_SHA1, TPM_ALG_SHA256], [TPM_ALG_SHA256], [TPM_ALG_SHA256, TPM_ALG_SHA384]]) {
      const spec = sampleBootSpec();
      const built = buildEmulatedBoot({ ...spec, banks, ...bankDigests(spec, banks) });
      const { yaml, stderr } = runTpm2Eventlog(built.bytes, `built-${banks.join('-')}.bin`);
      expect(stderr, 'tpm2_eventlog warned').toBe('');
      const ours = pcrValuesToHex(built.pcrs);
      const theirs = Object.fromEntries(Object.entries(yaml.pcrs as Record<string, Record<string, string>>).map(([b, p]) => [b, Object.fromEntries(Object.entries(p).map(([i, v]) => [i, v.slice(2)]))]));
      expect(theirs).toEqual(JSON.parse(JSON.stringify(ours)));
      const tree = dropFinalNewline(asFailsafe(toTpm2ToolsTree(parseEventLog(built.bytes), { devicePaths: 'hex' }))) as any;
      expect(tree.events).toEqual(yaml.events);
    }
  });

  it('StartupLocality 3: PCR 0 starts at …03 (tpm2_eventlog 5.4 accepts the log; its PCR 0 is the known defect)', () => {
    const b = new EventLogBuilder();
    b.startupLocality(3);
    b.sCrtmVersion('v1');
    b.separator(0);
    const { bytes, pcrs } = b.finish();
    const log = parseEventLog(bytes);
    expect(log.events[1]!.eventType).toBe(EV_NO_ACTION);
    const init = Buffer.alloc(32);
    init[31] = 3;
    let want = init;
    for (const e of log.events.slice(2)) want = createHash('sha256').update(want).update(e.digests[1]!.digest).digest();
    expect(toHex(pcrs.get(TPM_ALG_SHA256)!.get(0)!)).toBe(want.toString('hex'));
    expect(runTpm2Eventlog(bytes, 'sl-built.bin').yaml.events[1].Event).toEqual({ StartupLocality: '3' });
    expect(() => b.startupLocality(3)).toThrow(/precede/);
  });

  it('rejects a digest of the wrong size', () => {
    const b = new EventLogBuilder();
    expect(() => b.bootApplication({ [TPM_ALG_SHA1]: new Uint8Array(20), [TPM_ALG_SHA256]: new Uint8Array(20) }, { length: 1n })).toThrow(/wrong-size/);
  });
});

/** Make every supplied digest of the sample spec fit the requested banks. */
function bankDigests(spec: ReturnType<typeof sampleBootSpec>, _banks: number[]): Partial<ReturnType<typeof sampleBootSpec>> {
  const fix = (d: any) => (algId: number) => {
    const base = typeof d === 'function' ? d(TPM_ALG_SHA256) : d[TPM_ALG_SHA256];
    return new Uint8Array(createHash(hashById(algId)!.nodeName!).update(base).update('x').digest()).subarray(0, hashById(algId)!.digestSize);
  };
  return {
    firmwareVolumes: spec.firmwareVolumes.map((f) => ({ ...f, digests: fix(f.digests) })),
    shim: { ...spec.shim, authenticode: fix(spec.shim.authenticode) },
    grub: { ...spec.grub, authenticode: fix(spec.grub.authenticode) },
    kernel: { ...spec.kernel, authenticode: fix(spec.kernel.authenticode), fileDigests: fix(spec.kernel.fileDigests) },
    grubFiles: spec.grubFiles!.map((f) => ({ ...f, digests: fix(f.digests) })),
    initrd: { ...spec.initrd!, digests: fix(spec.initrd!.digests) },
  };
}
