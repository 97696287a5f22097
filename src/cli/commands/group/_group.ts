import type { GroupSpec } from '../../framework/types.js';

export const group: GroupSpec = { summary: 'Manage resource groups and template deployments.' };
