import type { GroupSpec } from '../../../framework/types.js';

export const group: GroupSpec = { summary: 'View your security assessment results.' };
