import type { GroupSpec } from '../../../framework/types.js';

export const group: GroupSpec = { summary: "Show or set a cluster's attestation policy (Secure Boot requirement, allow-lists, quarantine)." };
