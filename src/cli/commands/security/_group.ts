import type { GroupSpec } from '../../framework/types.js';

export const group: GroupSpec = { summary: 'Manage your security posture with Microsoft Defender for Cloud.' };
