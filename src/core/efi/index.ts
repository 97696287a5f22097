/** UEFI wire types shared by eventlog and uefi (see README.md): GUIDs, UCS-2, signature lists, device paths. */
export * from './guid.js';
export * from './ucs2.js';
export * from './signature-list.js';
export * from './device-path.js';
export * from './load-option.js';
