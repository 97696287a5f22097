/** Linux IMA measurement lists: parse (ASCII and binary), replay into PCR 10, boot aggregate, build. */
export * from './template.js';
export * from './log.js';
export * from './replay.js';
export * from './builder.js';
