/**
 * src/uefi — UEFI Secure Boot: PE/COFF and Authenticode, PKCS#7, signature databases and
 * authenticated variables, shim (vendor certificate, SBAT, MOK), kernel module signatures,
 * signing our own images, and the verifiers (see README.md).
 */
export * from './pe/pe-file.js';
export * from './pe/authenticode-digest.js';
export * from './pe/win-certificate.js';
export * from './pkcs7/oids.js';
export * from './pkcs7/signed-data.js';
export * from './pkcs7/verify.js';
export * from './pkcs7/build.js';
export * from './authenticode/spc.js';
export * from './authenticode/signature.js';
export * from './sigdb/database.js';
export * from './sigdb/variable-store.js';
export * from './sigdb/secure-boot-variables.js';
export * from './sigdb/auth-variable.js';
export * from './shim/sbat.js';
export * from './shim/vendor-cert.js';
export * from './kmod/module-signature.js';
export * from './kmod/sign-module.js';
export * from './kmod/kernel-keys.js';
export * from './sign/sign-pe.js';
export * from './sign/pe-builder.js';
export * from './verify/verdict.js';
export * from './verify/chain.js';
export * from './verify/verify-image.js';
export * from './verify/boot-chain.js';
export * from './verify/memo.js';
export * from './verify/format.js';
export * from './cli-support.js';
export * from './verify/authority-entry.js';
export * from './sign/node-boot-chain.js';
