import type { GroupSpec } from '../../framework/types.js';

export const group: GroupSpec = { summary: 'Guest attestation of Trusted Launch nodes: boot integrity results, tokens and the attestation policy.' };
