/**
 * src/attestation — the verifier of guest attestation (see README.md). Pure: imports core, tpm,
 * uefi and eventlog only; node:crypto for hashes, signatures and randomness.
 */
export * from './findings.js';
export * from './evidence.js';
export * from './nonce.js';
export * from './trust.js';
export * from './activation.js';
export * from './identity.js';
export * from './facts.js';
export * from './claims.js';
export * from './token.js';
export * from './verify.js';
export * from './policy/document.js';
export * from './policy/reference.js';
export * from './policy/check.js';
export * from './policy/checks.js';
