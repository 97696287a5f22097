import type { GroupSpec } from '../../framework/types.js';

export const group: GroupSpec = { summary: 'Linux IMA: parse and replay runtime measurement lists (ascii or binary) into PCR 10.' };
