/**
 * TPMS_ATTEST of a quote (Part 2 §10.12.12 with TPMS_QUOTE_INFO, §10.12.4), marshalled straight
 * into a slice of node's shared allocation pool. TPM2_Quote signs these bytes on every call; the
 * generic codec (types/attest.ts) writes through a ByteWriter and copies the result into a new
 * buffer, which costs V8 an off-heap allocation per quote (~0.4 µs beside a 25 µs signature).
 * The bytes are identical to `TPMS_ATTEST.encode` (types.test.ts compares them on random values);
 * anything the codec would refuse is left to the codec (undefined here).
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

const U64 = 0xffffffffffffffffn;

/** The marshalled TPMS_ATTEST, or undefined when a field is out of the codec's range. */
export function marshalQuoteAttest(v: QuoteAttest): Uint8Array | undefined {
  const { qualifiedSigner, extraData, pcrSelect, pcrDigest, clockInfo } = v;
  // TPM2B_NAME and TPM2B_DATA hold MAX_DIGEST + 2 bytes, TPM2B_DIGEST MAX_DIGEST, TPML_PCR_SELECTION HASH_COUNT entries.
  if (qualifiedSigner.length > MAX_DIGEST + 2 || extraData.length > MAX_DIGEST + 2 || pcrDigest.length > MAX_DIGEST || pcrSelect.length > HASH_COUNT) return undefined;
  if (clockInfo.clock < 0n || clockInfo.clock > U64 || v.firmwareVersion < 0n || v.firmwareVersion > U64) return undefined;
  let size = 4 + 2 + 2 + qualifiedSigner.length + 2 + extraData.length + 17 + 8 + 4 + 2 + pcrDigest.length;
  for (const s of pcrSelect) {
    if (s.pcrSelect.length > 255) return undefined;
    size += 3 + s.pcrSelect.length;
  }
  const b = Buffer.allocUnsafe(size);
  let o = b.writeUInt32BE(v.magic >>> 0, 0);
  o = b.writeUInt16BE(TPM_ST.ATTEST_QUOTE, o);
  o = b.writeUInt16BE(qualifiedSigner.length, o);
  b.set(qualifiedSigner, o);
  o += qualifiedSigner.length;
  o = b.writeUInt16BE(extraData.length, o);
  b.set(extraData, o);
  o += extraData.length;
  o = b.writeBigUInt64BE(clockInfo.clock, o);
  o = b.writeUInt32BE(clockInfo.resetCount >>> 0, o);
  o = b.writeUInt32BE(clockInfo.restartCount >>> 0, o);
  b[o++] = clockInfo.safe ? 1 : 0;
  o = b.writeBigUInt64BE(v.firmwareVersion, o);
  o = b.writeUInt32BE(pcrSelect.length, o);
  for (const s of pcrSelect) {
    o = b.writeUInt16BE(s.hash & 0xffff, o);
    b[o++] = s.pcrSelect.length;
    b.set(s.pcrSelect, o);
    o += s.pcrSelect.length;
  }
  o = b.writeUInt16BE(pcrDigest.length, o);
  b.set(pcrDigest, o);
  return b;
}
