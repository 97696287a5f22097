/** TPM 2.0 Part 2 types and codecs. */
export * from './constants.js';
export * from './codec.js';
export * from './basic.js';
export * from './pcr.js';
export * from './schemes.js';
export * from './public.js';
export * from './sensitive.js';
export * from './signature.js';
export * from './attest.js';
export * from './creation.js';
export * from './nv.js';
export * from './capability.js';
export * from './context.js';
