/**
 * The TPM profile: the fixed facts a TPM reports through TPM2_GetCapability(TPM_PROPERTIES)
 * and the resource limits it enforces (Part 2 §6.13 TPM_PT). Defaults describe a PC-Client
 * vTPM like Azure's ("MSFT" manufacturer) with swtpm's resource limits (3 transient object
 * slots, 3 loaded sessions of 64 active, 4 KiB command buffer, 1 KiB NV buffer).
 */
import { TPM_ALG } from '../types/constants.js';

export interface TpmProfile {
  /** TPM_PT_MANUFACTURER: four ASCII characters. */
  manufacturer: string;
  /** TPM_PT_VENDOR_STRING_1..4: up to 16 ASCII characters. */
  vendorString: string;
  /** TPM_PT_VENDOR_TPM_TYPE. */
  vendorTpmType: number;
  /** TPM_PT_FIRMWARE_VERSION_1/2 (the 64-bit firmwareVersion of TPMS_ATTEST). */
  firmwareVersion: bigint;
  /** TPM_PT_REVISION × 100 (1.59 → 159). */
  revision: number;
  year: number;
  dayOfYear: number;
  /** Active PCR banks (TPM_ALG_ID), in the order TPM2_GetCapability(PCRS) lists them. */
  pcrBanks: number[];
  /** Transient object slots (TPM_PT_HR_TRANSIENT_MIN; swtpm: 3). */
  transientSlots: number;
  /** Sessions that can be loaded at once (TPM_PT_HR_LOADED_MIN; swtpm: 3). */
  loadedSessions: number;
  /** Active sessions, loaded or saved (TPM_PT_ACTIVE_SESSIONS_MAX: 64). */
  activeSessions: number;
  /** Persistent object slots (TPM_PT_HR_PERSISTENT_MIN). */
  persistentSlots: number;
  /** Largest NV index data area (TPM_PT_NV_INDEX_MAX; Azure's AK certificate index holds 4 KiB). */
  nvIndexSizeMax: number;
  /** How many NV indices may be defined, and the total bytes of their data. */
  nvIndexCount: number;
  nvBytesMax: number;
  maxCommandSize: number;
  maxResponseSize: number;
  nvBufferMax: number;
  /** Bytes of a hierarchy primary seed. */
  seedSize: number;
  /**
   * Which attestation signatures (Quote, Certify, CertifyCreation) run in the libuv thread pool
   * (node:crypto asynchronous sign) instead of on the event loop: 'never' (default: fastest per quote),
   * 'rsa' (RSA signing costs ~0.3 ms of event loop otherwise) or 'always'.
   */
  cryptoOffload: 'never' | 'rsa' | 'always';
}

export const DEFAULT_PROFILE: TpmProfile = {
  manufacturer: 'MSFT',
  vendorString: 'TL vTPM',
  vendorTpmType: 1,
  firmwareVersion: 0x2023_0817_0001_0000n,
  revision: 159,
  year: 2024,
  dayOfYear: 1,
  pcrBanks: [TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384],
  transientSlots: 3,
  loadedSessions: 3,
  activeSessions: 64,
  persistentSlots: 16,
  nvIndexSizeMax: 4096,
  nvIndexCount: 64,
  nvBytesMax: 128 * 1024,
  maxCommandSize: 4096,
  maxResponseSize: 4096,
  nvBufferMax: 1024,
  seedSize: 32,
  cryptoOffload: 'never',
};

export function makeProfile(overrides: Partial<TpmProfile> = {}): TpmProfile {
  return { ...DEFAULT_PROFILE, ...overrides, pcrBanks: [...(overrides.pcrBanks ?? DEFAULT_PROFILE.pcrBanks)] };
}
