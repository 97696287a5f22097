/**
 * src/tpm — TPM 2.0 types and codecs, one definition per command, a client over any transport,
 * the embedded simulator, vTPM manufacturing and software-side verification helpers.
 * Transports and the swtpm-protocol server that touch the network or files are in `io/`
 * (`src/tpm/io/index.ts`), outside this pure surface (DESIGN.md §3).
 */
export * from './types/index.js';
export * from './rc.js';
export * as commands from './commands/index.js';
export { TpmClient, AuthSession, type Authorization, type HandleRef, type RunOptions } from './client/client.js';
export type { Transport } from './client/transport.js';
export type { PcrReadResult } from './client/pcr.js';
export type { CreateOptions } from './client/keys.js';
export type { StartSessionOptions } from './client/policy.js';
export type { Attestation } from './client/attest.js';
export * from './crypto/index.js';
export { TpmSimulator, type SimulatorOptions } from './sim/simulator.js';
export { MemoryNvStore, type TpmNvStore, type TpmPlatform } from './sim/platform.js';
export { DEFAULT_PROFILE, makeProfile, type TpmProfile } from './sim/profile.js';
export { decodeImage, encodeImage, type PersistentImage } from './sim/state/persist.js';
export { createVtpmCa, loadVtpmCa, type CaOptions, type VtpmCa } from './manufacture/ca.js';
export { issueAkCertificate, issueEkCertificate, tpmDirectoryName, type TpmIdentity } from './manufacture/certificates.js';
export { CERT_NV_ATTRIBUTES, manufactureVtpm, type ManufacturedKey, type ManufacturedVtpm, type ManufactureOptions } from './manufacture/manufacture.js';
export * from './manufacture/templates.js';
