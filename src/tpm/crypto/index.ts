/** Software-side TPM cryptography: KDFs, names, policies, credentials, signatures, quote checks. */
export * from './kdf.js';
export * from './symmetric.js';
export * from './keys.js';
export * from './sign.js';
export * from './name.js';
export * from './policy.js';
export * from './pcr-digest.js';
export * from './secret.js';
export * from './make-credential.js';
export * from './quote.js';
export { curveById, type Curve } from './ecc.js';
