/**
 * src/eventlog public API (see README.md). Pure: bytes in, typed data out; node:crypto only.
 */
export * from './event-types.js';
export type * from './log-types.js';
export { parseEventLog, parseSpecIdEvent } from './parse.js';
export { replay, pcrValuesToHex, initialPcr0, initialPcrValue, type PcrValues, type ReplayOptions } from './replay.js';
export { verify, normalizeQuoted, type VerifiedLog, type PcrMismatch, type QuotedPcrs } from './verify.js';
export { QUIRKS, type Quirk } from './quirks.js';
export { checkEventDigest, digestedData, type DigestCheck, type DigestRule } from './digest-check.js';
export * from './decode/index.js';
export { decodeVariableValue, parseUefiVariableData } from './decode/variable.js';
export { parseImageLoadEvent, encodeImageLoadEvent } from './decode/image-load.js';
export { parseGptData } from './decode/gpt.js';
export { parseStartupLocality, STARTUP_LOCALITY_SIGNATURE } from './decode/no-action.js';
export * from './interpret/index.js';
export { EventLogBuilder, type AppendedEvent, type DigestsByAlg, type EventLogBuilderOptions } from './builder/builder.js';
export { buildEmulatedBoot, type BootImage, type EmulatedBootSpec } from './builder/emulated-boot.js';
export { encodeEventLog, encodeSpecIdEvent } from './builder/encode.js';
export { toTpm2ToolsTree, type Tree, type Tpm2ToolsTreeOptions } from './tpm2-tools-tree.js';
export { formatTpm2ToolsYaml } from './tpm2-tools-yaml.js';
export * from './cli.js';
export * as ima from './ima/index.js';
