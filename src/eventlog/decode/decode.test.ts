import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TPM_ALG_SHA1, TPM_ALG_SHA256 } from '../../core/hash.js';
import { EventLogBuilder } from '../builder/builder.js';
import * as T from '../event-types.js';
import { parseEventLog } from '../parse.js';
import { pcrValuesToHex, replay } from '../replay.js';
import { KEYLIME, readBytes, tpm2ToolsFixtures } from '../test-support/corpus.js';
import { runTpm2Eventlog } from '../test-support/tpm2-eventlog.js';
import { decodeEvent } from './index.js';

const ALL = [...tpm2ToolsFixtures().map((f) => f.bin), ...['binary_bios_measurements', 'binary_bios_measurements-secureboot', 'mb_log.bin'].map((f) => `${KEYLIME}/${f}`)];

describe('decodeEvent over the corpus', () => {
  it('decodes every event of every real log without error, into typed kinds', () => {
    const kinds = new Map<string, number>();
    for (const f of ALL) {
      for (const e of parseEventLog(readBytes(f)).events) {
        const d = decodeEvent(e);
        expect(d.kind, `${f} #${e.index}`).not.toBe('error');
        kinds.set(d.kind, (kinds.get(d.kind) ?? 0) + 1);
      }
    }
    for (const k of ['specId', 'startupLocality', 'separator', 'text', 'variable', 'imageLoad', 'firmwareBlob', 'gpt', 'raw']) expect(kinds.get(k), k).toBeGreaterThan(0);
  });

  it('GPT (PCR 5) decodes the header and partitions', () => {
    const log = parseEventLog(readBytes(`${KEYLIME}/binary_bios_measurements-secureboot`));
    const gpt = log.events.map(decodeEvent).find((d) => d.kind === 'gpt');
    expect(gpt?.kind).toBe('gpt');
    if (gpt?.kind !== 'gpt') return;
    expect(gpt.gpt.header.Signature).toBe('EFI PART');
    expect(gpt.gpt.partitions.length).toBe(Number(gpt.gpt.NumberOfPartitions));
    expect(gpt.gpt.partitions.length).toBeGreaterThan(1);
  });
});

describe('EV_NO_ACTION and H-CRTM', () => {
  it('short and unusual EV_NO_ACTION events parse and are never extended', () => {
    const b = new EventLogBuilder();
    b.event(0, T.EV_NO_ACTION, new Uint8Array(0), [{ algId: TPM_ALG_SHA1, digest: new Uint8Array(20) }]);
    b.event(0, T.EV_NO_ACTION, new TextEncoder().encode('SP800-155 Event\0xyz'), [{ algId: TPM_ALG_SHA1, digest: new Uint8Array(20) }, { algId: TPM_ALG_SHA256, digest: new Uint8Array(32) }]);
    b.separator(0);
    const log = parseEventLog(b.bytes());
    expect(log.events.map((e) => decodeEvent(e).kind)).toEqual(['specId', 'noAction', 'noAction', 'separator']);
    expect(decodeEvent(log.events[2]!)).toEqual({ kind: 'noAction', signature: 'SP800-155 Event' });
    expect(pcrValuesToHex(replay(log))).toEqual(pcrValuesToHex(b.pcrs()));
  });

  /*
   * TPM 2.0 Part 1 §34.3 (H-CRTM): _TPM_Hash_Start resets PCR 0 to 0…04 (locality 4) and
   * _TPM_Hash_End extends the H-CRTM digest, which the log records as EV_EFI_HCRTM_EVENT. tpm2-tools
   * 5.8 replays it so (foreach_digest2 sets the last byte to 0x04); Debian's 5.4 starts from zero —
   * a second 5.4 replay defect, shown here by reproducing its value.
   */
  it('EV_EFI_HCRTM_EVENT: PCR 0 starts at …04 and the H-CRTM digest is extended', () => {
    const b = new EventLogBuilder();
    const hcrtm = b.digestsOf(new Uint8Array(64));
    b.event(0, T.EV_EFI_HCRTM_EVENT, new TextEncoder().encode('HCRTM'), hcrtm);
    const v = b.sCrtmVersion('v2');
    const bytes = b.bytes();
    const chain = (init: number) => {
      let p = Buffer.alloc(32);
      p[31] = init;
      for (const x of [hcrtm[1]!.digest, v.digests[1]!.digest]) p = createHash('sha256').update(p).update(x).digest();
      return p.toString('hex');
    };
    const ours = pcrValuesToHex(replay(parseEventLog(bytes)));
    expect(ours.sha256![0]).toBe(chain(4));
    expect(ours).toEqual(pcrValuesToHex(b.pcrs()));
    expect(runTpm2Eventlog(bytes, 'hcrtm.bin').yaml.pcrs.sha256['0']).toBe('0x' + chain(0));
    expect(decodeEvent(parseEventLog(bytes).events[1]!)).toEqual({ kind: 'text', text: 'HCRTM' });
  });
});
