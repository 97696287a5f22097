/** Interpretation of verified events into the plain data an attestation policy consumes. */
export * from './secure-boot.js';
export * from './boot-chain.js';
export * from './signature-db.js';
