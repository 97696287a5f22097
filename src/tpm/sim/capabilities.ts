/**
 * What TPM2_GetCapability reports (Part 2 §6.12–§6.14, §8.2, §10.10): algorithms, handles,
 * commands, PCR banks and properties, derived from the profile and the live state.
 */
import { TPM_ALG, TPM_ECC, TPM_HT, TPM_PT, TPM_PT_PCR, TPM_RH, TPMA_ALGORITHM as AA } from '../types/constants.js';
import type { TPMS_ALG_PROPERTY, TPMS_TAGGED_PCR_SELECT } from '../types/capability.js';
import { IMPLEMENTATION_PCR, PCR_SELECT_MAX, type TPMS_PCR_SELECTION } from '../types/pcr.js';
import { PCR_ATTRIBUTES } from './state/pcr-banks.js';
import type { TpmState } from './tpm-state.js';

/** Implemented algorithms with the TPMA_ALGORITHM bits swtpm/libtpms report for them. */
export const ALGORITHMS: readonly TPMS_ALG_PROPERTY[] = [
  { alg: TPM_ALG.RSA, algProperties: AA.asymmetric | AA.object },
  { alg: TPM_ALG.SHA1, algProperties: AA.hash },
  { alg: TPM_ALG.HMAC, algProperties: AA.hash | AA.signing },
  { alg: TPM_ALG.AES, algProperties: AA.symmetric },
  { alg: TPM_ALG.MGF1, algProperties: AA.hash | AA.method },
  { alg: TPM_ALG.KEYEDHASH, algProperties: AA.hash | AA.object | AA.signing | AA.encrypting },
  { alg: TPM_ALG.XOR, algProperties: AA.symmetric | AA.hash },
  { alg: TPM_ALG.SHA256, algProperties: AA.hash },
  { alg: TPM_ALG.SHA384, algProperties: AA.hash },
  { alg: TPM_ALG.SHA512, algProperties: AA.hash },
  { alg: TPM_ALG.RSASSA, algProperties: AA.asymmetric | AA.signing },
  { alg: TPM_ALG.RSAES, algProperties: AA.asymmetric | AA.encrypting },
  { alg: TPM_ALG.RSAPSS, algProperties: AA.asymmetric | AA.signing },
  { alg: TPM_ALG.OAEP, algProperties: AA.asymmetric | AA.encrypting },
  { alg: TPM_ALG.ECDSA, algProperties: AA.asymmetric | AA.signing },
  { alg: TPM_ALG.ECDH, algProperties: AA.asymmetric | AA.method },
  { alg: TPM_ALG.KDF1_SP800_56A, algProperties: AA.hash | AA.method },
  { alg: TPM_ALG.KDF1_SP800_108, algProperties: AA.hash | AA.method },
  { alg: TPM_ALG.ECC, algProperties: AA.asymmetric | AA.object },
  { alg: TPM_ALG.SYMCIPHER, algProperties: AA.object },
  { alg: TPM_ALG.CFB, algProperties: AA.symmetric | AA.encrypting },
];

export const ECC_CURVES_IMPLEMENTED: readonly number[] = [TPM_ECC.NIST_P256, TPM_ECC.NIST_P384, TPM_ECC.NIST_P521];

/** Banks a TPM of this profile could allocate (listed, allocated or not, as swtpm does). */
const IMPLEMENTED_BANKS = [TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512];

export function pcrAllocation(tpm: TpmState): TPMS_PCR_SELECTION[] {
  return IMPLEMENTED_BANKS.map((hash) => ({ hash, pcrSelect: new Uint8Array(PCR_SELECT_MAX).fill(tpm.pcrs.has(hash) ? 0xff : 0) }));
}

function chars(s: string, at: number): number {
  let v = 0;
  for (let i = 0; i < 4; i++) v = (v << 8) | (s.charCodeAt(at + i) & 0xff || 0);
  return v >>> 0;
}

/** All TPM properties, fixed (PT_FIXED) and variable (PT_VAR), ascending. */
export function properties(tpm: TpmState): Map<number, number> {
  const p = tpm.profile;
  const vendor = p.vendorString.padEnd(16, '\0');
  const loadedObjects = tpm.objects.transientCount;
  const persistent = tpm.objects.persistent.size;
  const h = tpm.hierarchy;
  const m = new Map<number, number>([
    [TPM_PT.FAMILY_INDICATOR, 0x322e3000],
    [TPM_PT.LEVEL, 0],
    [TPM_PT.REVISION, p.revision],
    [TPM_PT.DAY_OF_YEAR, p.dayOfYear],
    [TPM_PT.YEAR, p.year],
    [TPM_PT.MANUFACTURER, chars(p.manufacturer.padEnd(4, ' '), 0)],
    [TPM_PT.VENDOR_STRING_1, chars(vendor, 0)],
    [TPM_PT.VENDOR_STRING_2, chars(vendor, 4)],
    [TPM_PT.VENDOR_STRING_3, chars(vendor, 8)],
    [TPM_PT.VENDOR_STRING_4, chars(vendor, 12)],
    [TPM_PT.VENDOR_TPM_TYPE, p.vendorTpmType],
    [TPM_PT.FIRMWARE_VERSION_1, Number(p.firmwareVersion >> 32n)],
    [TPM_PT.FIRMWARE_VERSION_2, Number(p.firmwareVersion & 0xffffffffn)],
    [TPM_PT.INPUT_BUFFER, 1024],
    [TPM_PT.HR_TRANSIENT_MIN, p.transientSlots],
    [TPM_PT.HR_PERSISTENT_MIN, p.persistentSlots],
    [TPM_PT.HR_LOADED_MIN, p.loadedSessions],
    [TPM_PT.ACTIVE_SESSIONS_MAX, p.activeSessions],
    [TPM_PT.PCR_COUNT, IMPLEMENTATION_PCR],
    [TPM_PT.PCR_SELECT_MIN, 3],
    [TPM_PT.CONTEXT_GAP_MAX, 0xffff],
    [TPM_PT.NV_COUNTERS_MAX, 0],
    [TPM_PT.NV_INDEX_MAX, p.nvIndexSizeMax],
    [TPM_PT.MEMORY, 0x6],
    [TPM_PT.CLOCK_UPDATE, 0x1000],
    [TPM_PT.CONTEXT_HASH, TPM_ALG.SHA256],
    [TPM_PT.CONTEXT_SYM, TPM_ALG.AES],
    [TPM_PT.CONTEXT_SYM_SIZE, 256],
    [TPM_PT.ORDERLY_COUNT, 255],
    [TPM_PT.MAX_COMMAND_SIZE, p.maxCommandSize],
    [TPM_PT.MAX_RESPONSE_SIZE, p.maxResponseSize],
    [TPM_PT.MAX_DIGEST, 64],
    [TPM_PT.MAX_OBJECT_CONTEXT, 2048],
    [TPM_PT.MAX_SESSION_CONTEXT, 512],
    [TPM_PT.PS_FAMILY_INDICATOR, 1],
    [TPM_PT.PS_LEVEL, 0],
    [TPM_PT.PS_REVISION, 0x105],
    [TPM_PT.PS_DAY_OF_YEAR, 0],
    [TPM_PT.PS_YEAR, 0],
    [TPM_PT.SPLIT_MAX, 128],
    [TPM_PT.TOTAL_COMMANDS, tpm.commandAttributes.length],
    [TPM_PT.LIBRARY_COMMANDS, tpm.commandAttributes.length],
    [TPM_PT.VENDOR_COMMANDS, 0],
    [TPM_PT.NV_BUFFER_MAX, p.nvBufferMax],
    [TPM_PT.MODES, 0],
    [TPM_PT.MAX_CAP_BUFFER, 1024],
    // TPMA_PERMANENT: ownerAuthSet, endorsementAuthSet, lockoutAuthSet, tpmGeneratedEPS
    [TPM_PT.PERMANENT, (h.ownerAuth.length ? 1 : 0) | (h.endorsementAuth.length ? 2 : 0) | (h.lockoutAuth.length ? 4 : 0) | 0x400],
    // TPMA_STARTUP_CLEAR: phEnable, shEnable, ehEnable, phEnableNV, orderly
    [TPM_PT.STARTUP_CLEAR, 0x8000000f],
    [TPM_PT.HR_NV_INDEX, tpm.nv.indices.size],
    [TPM_PT.HR_LOADED, loadedObjects],
    [TPM_PT.HR_LOADED_AVAIL, p.transientSlots - loadedObjects],
    [TPM_PT.HR_ACTIVE, tpm.sessions.activeCount],
    [TPM_PT.HR_ACTIVE_AVAIL, p.activeSessions - tpm.sessions.activeCount],
    [TPM_PT.HR_TRANSIENT_AVAIL, p.transientSlots - loadedObjects],
    [TPM_PT.HR_PERSISTENT, persistent],
    [TPM_PT.HR_PERSISTENT_AVAIL, p.persistentSlots - persistent],
    [TPM_PT.NV_COUNTERS, 0],
    [TPM_PT.NV_COUNTERS_AVAIL, 0],
    [TPM_PT.ALGORITHM_SET, 0],
    [TPM_PT.LOADED_CURVES, ECC_CURVES_IMPLEMENTED.length],
    [TPM_PT.LOCKOUT_COUNTER, 0],
    [TPM_PT.MAX_AUTH_FAIL, 3],
    [TPM_PT.LOCKOUT_INTERVAL, 1000],
    [TPM_PT.LOCKOUT_RECOVERY, 1000],
    [TPM_PT.NV_WRITE_RECOVERY, 0],
    [TPM_PT.AUDIT_COUNTER_0, 0],
    [TPM_PT.AUDIT_COUNTER_1, 0],
  ]);
  return m;
}

/** Handles of one range (the top byte of `first`), ascending. */
export function handlesOf(tpm: TpmState, range: number): number[] {
  switch (range) {
    case TPM_HT.PCR:
      return Array.from({ length: IMPLEMENTATION_PCR }, (_, i) => i);
    case TPM_HT.NV_INDEX:
      return tpm.nv.handles();
    case TPM_HT.HMAC_SESSION: {
      const all = [...tpm.sessions.handles(0x02000000), ...tpm.sessions.handles(0x03000000)];
      const saved = new Set(tpm.sessions.savedHandles());
      return all.filter((h) => !saved.has(h)).sort((a, b) => a - b);
    }
    case TPM_HT.POLICY_SESSION:
      return tpm.sessions.savedHandles().sort((a, b) => a - b);
    case TPM_HT.PERMANENT:
      return [TPM_RH.OWNER, TPM_RH.NULL, TPM_RH.PW, TPM_RH.LOCKOUT, TPM_RH.ENDORSEMENT, TPM_RH.PLATFORM, TPM_RH.PLATFORM_NV];
    case TPM_HT.TRANSIENT:
      return tpm.objects.transientHandles;
    case TPM_HT.PERSISTENT:
      return [...tpm.objects.persistent.keys()].sort((a, b) => a - b);
    default:
      return [];
  }
}

export function pcrProperties(): TPMS_TAGGED_PCR_SELECT[] {
  const bitmap = (pred: (i: number) => boolean) => {
    const b = new Uint8Array(PCR_SELECT_MAX);
    for (let i = 0; i < IMPLEMENTATION_PCR; i++) if (pred(i)) b[i >> 3]! |= 1 << (i & 7);
    return b;
  };
  const A = PCR_ATTRIBUTES;
  const out: TPMS_TAGGED_PCR_SELECT[] = [{ tag: TPM_PT_PCR.SAVE, pcrSelect: bitmap((i) => A[i]!.stateSave) }];
  for (let l = 0; l <= 4; l++) {
    out.push({ tag: TPM_PT_PCR.EXTEND_L0 + 2 * l, pcrSelect: bitmap((i) => (A[i]!.extendLocalities & (1 << l)) !== 0) });
    out.push({ tag: TPM_PT_PCR.RESET_L0 + 2 * l, pcrSelect: bitmap((i) => (A[i]!.resetLocalities & (1 << l)) !== 0) });
  }
  out.push({ tag: TPM_PT_PCR.NO_INCREMENT, pcrSelect: bitmap((i) => A[i]!.noIncrement) });
  out.push({ tag: TPM_PT_PCR.DRTM_RESET, pcrSelect: bitmap((i) => A[i]!.initialOnes) });
  out.push({ tag: TPM_PT_PCR.POLICY, pcrSelect: bitmap((i) => A[i]!.policy) });
  out.push({ tag: TPM_PT_PCR.AUTH, pcrSelect: bitmap((i) => A[i]!.policy) });
  return out;
}
