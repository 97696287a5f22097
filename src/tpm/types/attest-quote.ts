/**
 * TPMS_ATTEST of a quote (Part 2 §10.12.12 with TPMS_QUOTE_INFO, §10.12.4), marshalled straight
 * into a slice of a shared 8 KiB slab (as node's Buffer pool does, with one DataView per slab).
 * TPM2_Quote signs these bytes on every call; the
 * generic codec (types/attest.ts) writes through a ByteWriter and copies the result into a new
 * buffer, which costs V8 an off-heap allocation per quote (~0.4 µs beside a 25 µs signature).
 * The bytes are identical to `TPMS_ATTEST.encode` (types.test.ts compares them on random values);
 * a buffer the codec would refuse (too long) is left to the codec (undefined here).
 */
import { MAX_DIGEST } from './basic.js';
import { TPM_ST } from './constants.js';
import type { TPMS_CLOCK_INFO } from './attest.js';
import { HASH_COUNT, type TPMS_PCR_SELECTION } from './pcr.js';

export interface QuoteAttest {
  magic: number;
  qualifiedSigner: Uint8Array;
  extraData: Uint8Array;
  clockInfo: TPMS_CLOCK_INFO;
  firmwareVersion: bigint;
  pcrSelect: readonly TPMS_PCR_SELECTION[];
  pcrDigest: Uint8Array;
}

const SLAB_SIZE = 8192;
let slab = new ArrayBuffer(SLAB_SIZE);
let d = new DataView(slab);
let used = 0; // a slab is never written twice: bytes handed out (and signed later, off the loop) stay as they are

/** The marshalled TPMS_ATTEST, or undefined when a field is out of the codec's range. */
export function marshalQuoteAttest(v: QuoteAttest): Uint8Array | undefined {
  const { qualifiedSigner, extraData, pcrSelect, pcrDigest, clockInfo } = v;
  // TPM2B_NAME and TPM2B_DATA hold MAX_DIGEST + 2 bytes, TPM2B_DIGEST MAX_DIGEST, TPML_PCR_SELECTION HASH_COUNT entries.
  if (qualifiedSigner.length > MAX_DIGEST + 2 || extraData.length > MAX_DIGEST + 2 || pcrDigest.length > MAX_DIGEST || pcrSelect.length > HASH_COUNT) return undefined;
  let size = 4 + 2 + 2 + qualifiedSigner.length + 2 + extraData.length + 17 + 8 + 4 + 2 + pcrDigest.length;
  for (const s of pcrSelect) {
    if (s.pcrSelect.length > 255) return undefined;
    size += 3 + s.pcrSelect.length;
  }
  if (size > SLAB_SIZE) return undefined;
  if (used + size > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    d = new DataView(slab);
    used = 0;
  }
  const at = used;
  used += (size + 7) & ~7;
  const b = new Uint8Array(slab, at, size);
  // DataView setters convert as ByteWriter's do (modulo 2^n), so every value writes as the codec
  // writes it. `d` spans the slab (offsets at + …), `b` is the attestation (offsets from 0).
  d.setUint32(at, v.magic >>> 0);
  d.setUint16(at + 4, TPM_ST.ATTEST_QUOTE);
  d.setUint16(at + 6, qualifiedSigner.length);
  b.set(qualifiedSigner, 8);
  let o = 8 + qualifiedSigner.length;
  d.setUint16(at + o, extraData.length);
  b.set(extraData, o + 2);
  o += 2 + extraData.length;
  d.setBigUint64(at + o, clockInfo.clock);
  d.setUint32(at + o + 8, clockInfo.resetCount >>> 0);
  d.setUint32(at + o + 12, clockInfo.restartCount >>> 0);
  b[o + 16] = clockInfo.safe ? 1 : 0;
  d.setBigUint64(at + o + 17, v.firmwareVersion);
  d.setUint32(at + o + 25, pcrSelect.length);
  o += 29;
  for (const s of pcrSelect) {
    d.setUint16(at + o, s.hash);
    b[o + 2] = s.pcrSelect.length;
    b.set(s.pcrSelect, o + 3);
    o += 3 + s.pcrSelect.length;
  }
  d.setUint16(at + o, pcrDigest.length);
  b.set(pcrDigest, o + 2);
  return b;
}
