/**
 * Byte-exact encoders for the records parse.ts reads (PFP §10.2.1 TCG_PCClientPCREvent,
 * §10.2.2 TCG_PCR_EVENT2, §10.4.5.1 TCG_EfiSpecIDEvent). `encodeEventLog(parseEventLog(x))`
 * returns `x` for every well-formed log (tested on the whole corpus).
 */
import { ByteWriter } from '../../core/bytes.js';
import { TPM_ALG_SHA1 } from '../../core/hash.js';
import { EV_NO_ACTION } from '../event-types.js';
import type { TcgDigest, TcgEfiSpecIdEvent, TcgEventLog } from '../log-types.js';

export function encodeSpecIdEvent(s: TcgEfiSpecIdEvent): Uint8Array {
  const w = new ByteWriter(64);
  const sig = new Uint8Array(16);
  for (let i = 0; i < s.signature.length && i < 16; i++) sig[i] = s.signature.charCodeAt(i);
  w.bytes(sig).u32le(s.platformClass).u8(s.specVersionMinor).u8(s.specVersionMajor).u8(s.specErrata).u8(s.uintnSize);
  w.u32le(s.algorithms.length);
  for (const a of s.algorithms) w.u16le(a.algorithmId).u16le(a.digestSize);
  w.u8(s.vendorInfo.length).bytes(s.vendorInfo);
  return w.finish();
}

/** TCG_PCClientPCREvent (SHA-1 format). */
export function writeSha1Event(w: ByteWriter, pcrIndex: number, eventType: number, digest: Uint8Array, data: Uint8Array): void {
  if (digest.length !== 20) throw new RangeError('a SHA-1 format event needs a 20-byte digest');
  w.u32le(pcrIndex).u32le(eventType).bytes(digest).u32le(data.length).bytes(data);
}

/** TCG_PCR_EVENT2. */
export function writeEvent2(w: ByteWriter, pcrIndex: number, eventType: number, digests: readonly TcgDigest[], data: Uint8Array): void {
  w.u32le(pcrIndex).u32le(eventType).u32le(digests.length);
  for (const d of digests) w.u16le(d.algId).bytes(d.digest);
  w.u32le(data.length).bytes(data);
}

/** Re-encode a parsed log. */
export function encodeEventLog(log: TcgEventLog): Uint8Array {
  const w = new ByteWriter(log.bytes.length || 256);
  for (const e of log.events) {
    if (log.format === 'sha1' || e.index === 0) {
      writeSha1Event(w, e.pcrIndex, e.eventType, e.digests.find((d) => d.algId === TPM_ALG_SHA1)!.digest, e.index === 0 && log.specId ? encodeSpecIdEvent(log.specId) : e.data);
    } else {
      writeEvent2(w, e.pcrIndex, e.eventType, e.digests, e.data);
    }
  }
  return w.finish();
}

export const SPEC_ID_EVENT03_DEFAULTS = {
  signature: 'Spec ID Event03',
  /** TCG_PlatformClass: 0 = client (PFP §10.4.5.1). */
  platformClass: 0,
  specVersionMinor: 0,
  specVersionMajor: 2,
  specErrata: 0,
  /** UINTN size in 4-byte units (2 = 64-bit firmware). */
  uintnSize: 2,
} as const;

export { EV_NO_ACTION };
