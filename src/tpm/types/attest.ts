/**
 * Attestation structures (TPM 2.0 Part 2 §10.12): TPMS_CLOCK_INFO, the TPMU_ATTEST members and
 * TPMS_ATTEST. A parsed TPMS_ATTEST keeps the exact signed bytes in `raw`: the signature is over
 * H(raw), never over a re-encoding.
 */
import { ByteReader } from '../../core/bytes.js';
import { TPM_RC } from '../rc.js';
import { type Codec, fail, TPMI_YES_NO, TpmWireError } from './codec.js';
import { TPM2B_DATA, TPM2B_DIGEST, TPM2B_MAX_NV_BUFFER, TPM2B_NAME, TPM2B_ATTEST_BYTES } from './basic.js';
import { TPM_ST } from './constants.js';
import { type TPMS_PCR_SELECTION, TPML_PCR_SELECTION } from './pcr.js';

/** TPMS_CLOCK_INFO (Part 2 §10.11.1). */
export interface TPMS_CLOCK_INFO {
  clock: bigint;
  resetCount: number;
  restartCount: number;
  safe: boolean;
}

export const TPMS_CLOCK_INFO: Codec<TPMS_CLOCK_INFO> = {
  name: 'TPMS_CLOCK_INFO',
  encode(w, v) {
    w.u64be(v.clock).u32be(v.resetCount).u32be(v.restartCount).u8(v.safe ? 1 : 0);
  },
  decode(r) {
    return r.within('TPMS_CLOCK_INFO', () => ({
      clock: r.u64be(),
      resetCount: r.u32be(),
      restartCount: r.u32be(),
      safe: TPMI_YES_NO.decode(r),
    }));
  },
};

/** TPMS_TIME_INFO (Part 2 §10.11.6). */
export interface TPMS_TIME_INFO {
  time: bigint;
  clockInfo: TPMS_CLOCK_INFO;
}

export const TPMS_TIME_INFO: Codec<TPMS_TIME_INFO> = {
  name: 'TPMS_TIME_INFO',
  encode(w, v) {
    w.u64be(v.time);
    TPMS_CLOCK_INFO.encode(w, v.clockInfo);
  },
  decode(r) {
    return r.within('TPMS_TIME_INFO', () => ({ time: r.u64be(), clockInfo: TPMS_CLOCK_INFO.decode(r) }));
  },
};

export type TPMS_ATTEST_BODY =
  | { type: typeof TPM_ST.ATTEST_QUOTE; attested: { pcrSelect: TPMS_PCR_SELECTION[]; pcrDigest: Uint8Array } }
  | { type: typeof TPM_ST.ATTEST_CERTIFY; attested: { name: Uint8Array; qualifiedName: Uint8Array } }
  | { type: typeof TPM_ST.ATTEST_CREATION; attested: { objectName: Uint8Array; creationHash: Uint8Array } }
  | { type: typeof TPM_ST.ATTEST_TIME; attested: { time: TPMS_TIME_INFO; firmwareVersion: bigint } }
  | { type: typeof TPM_ST.ATTEST_NV; attested: { indexName: Uint8Array; offset: number; nvContents: Uint8Array } }
  | { type: typeof TPM_ST.ATTEST_NV_DIGEST; attested: { indexName: Uint8Array; nvDigest: Uint8Array } }
  | { type: typeof TPM_ST.ATTEST_SESSION_AUDIT; attested: { exclusiveSession: boolean; sessionDigest: Uint8Array } }
  | {
      type: typeof TPM_ST.ATTEST_COMMAND_AUDIT;
      attested: { auditCounter: bigint; digestAlg: number; auditDigest: Uint8Array; commandDigest: Uint8Array };
    };

/** TPMS_ATTEST (Part 2 §10.12.12), discriminated by `type` (the TPMU_ATTEST selector). */
export type TPMS_ATTEST = {
  magic: number;
  qualifiedSigner: Uint8Array;
  extraData: Uint8Array;
  clockInfo: TPMS_CLOCK_INFO;
  firmwareVersion: bigint;
  /** The exact marshalled bytes this value was decoded from. */
  raw?: Uint8Array;
} & TPMS_ATTEST_BODY;

export const TPMS_ATTEST: Codec<TPMS_ATTEST> = {
  name: 'TPMS_ATTEST',
  encode(w, v) {
    w.u32be(v.magic).u16be(v.type);
    TPM2B_NAME.encode(w, v.qualifiedSigner);
    TPM2B_DATA.encode(w, v.extraData);
    TPMS_CLOCK_INFO.encode(w, v.clockInfo);
    w.u64be(v.firmwareVersion);
    switch (v.type) {
      case TPM_ST.ATTEST_QUOTE:
        TPML_PCR_SELECTION.encode(w, v.attested.pcrSelect);
        TPM2B_DIGEST.encode(w, v.attested.pcrDigest);
        break;
      case TPM_ST.ATTEST_CERTIFY:
        TPM2B_NAME.encode(w, v.attested.name);
        TPM2B_NAME.encode(w, v.attested.qualifiedName);
        break;
      case TPM_ST.ATTEST_CREATION:
        TPM2B_NAME.encode(w, v.attested.objectName);
        TPM2B_DIGEST.encode(w, v.attested.creationHash);
        break;
      case TPM_ST.ATTEST_TIME:
        TPMS_TIME_INFO.encode(w, v.attested.time);
        w.u64be(v.attested.firmwareVersion);
        break;
      case TPM_ST.ATTEST_NV:
        TPM2B_NAME.encode(w, v.attested.indexName);
        w.u16be(v.attested.offset);
        TPM2B_MAX_NV_BUFFER.encode(w, v.attested.nvContents);
        break;
      case TPM_ST.ATTEST_NV_DIGEST:
        TPM2B_NAME.encode(w, v.attested.indexName);
        TPM2B_DIGEST.encode(w, v.attested.nvDigest);
        break;
      case TPM_ST.ATTEST_SESSION_AUDIT:
        w.u8(v.attested.exclusiveSession ? 1 : 0);
        TPM2B_DIGEST.encode(w, v.attested.sessionDigest);
        break;
      case TPM_ST.ATTEST_COMMAND_AUDIT:
        w.u64be(v.attested.auditCounter).u16be(v.attested.digestAlg);
        TPM2B_DIGEST.encode(w, v.attested.auditDigest);
        TPM2B_DIGEST.encode(w, v.attested.commandDigest);
        break;
    }
  },
  decode(r) {
    return r.within('TPMS_ATTEST', () => {
      const start = r.offset;
      const magic = r.u32be();
      const type = r.u16be();
      const qualifiedSigner = r.within('qualifiedSigner', () => TPM2B_NAME.decode(r));
      const extraData = r.within('extraData', () => TPM2B_DATA.decode(r));
      const clockInfo = TPMS_CLOCK_INFO.decode(r);
      const firmwareVersion = r.u64be();
      const head = { magic, qualifiedSigner, extraData, clockInfo, firmwareVersion };
      const out = r.within('attested', (): TPMS_ATTEST => {
        switch (type) {
          case TPM_ST.ATTEST_QUOTE:
            return { ...head, type, attested: { pcrSelect: TPML_PCR_SELECTION.decode(r), pcrDigest: TPM2B_DIGEST.decode(r) } };
          case TPM_ST.ATTEST_CERTIFY:
            return { ...head, type, attested: { name: TPM2B_NAME.decode(r), qualifiedName: TPM2B_NAME.decode(r) } };
          case TPM_ST.ATTEST_CREATION:
            return { ...head, type, attested: { objectName: TPM2B_NAME.decode(r), creationHash: TPM2B_DIGEST.decode(r) } };
          case TPM_ST.ATTEST_TIME: {
            const time = TPMS_TIME_INFO.decode(r);
            return { ...head, type, attested: { time, firmwareVersion: r.u64be() } };
          }
          case TPM_ST.ATTEST_NV:
            return { ...head, type, attested: { indexName: TPM2B_NAME.decode(r), offset: r.u16be(), nvContents: TPM2B_MAX_NV_BUFFER.decode(r) } };
          case TPM_ST.ATTEST_NV_DIGEST:
            return { ...head, type, attested: { indexName: TPM2B_NAME.decode(r), nvDigest: TPM2B_DIGEST.decode(r) } };
          case TPM_ST.ATTEST_SESSION_AUDIT:
            return { ...head, type, attested: { exclusiveSession: TPMI_YES_NO.decode(r), sessionDigest: TPM2B_DIGEST.decode(r) } };
          case TPM_ST.ATTEST_COMMAND_AUDIT:
            return {
              ...head,
              type,
              attested: { auditCounter: r.u64be(), digestAlg: r.u16be(), auditDigest: TPM2B_DIGEST.decode(r), commandDigest: TPM2B_DIGEST.decode(r) },
            };
          default:
            fail(r, TPM_RC.SELECTOR, `attestation type 0x${type.toString(16)}`, start + 4);
        }
      });
      out.raw = r.bytes.slice(start, r.offset);
      return out;
    });
  },
};

/** TPM2B_ATTEST (Part 2 §10.12.13) as raw bytes: callers sign/verify the bytes, then parse. */
export const TPM2B_ATTEST = TPM2B_ATTEST_BYTES;

/**
 * Parse an untrusted TPMS_ATTEST (e.g. tpm2_quote's `-m quote.msg`). The result keeps the input
 * in `raw`; nothing here is verified (see crypto/quote.ts for signature, nonce and PCR checks).
 */
export function parseTpmsAttest(bytes: Uint8Array): TPMS_ATTEST {
  const r = new ByteReader(bytes);
  const v = TPMS_ATTEST.decode(r);
  if (!r.atEnd) throw new TpmWireError(TPM_RC.SIZE, `${r.remaining} trailing bytes after TPMS_ATTEST`, r.offset, 'TPMS_ATTEST');
  return v;
}
