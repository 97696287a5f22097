import type { GroupSpec } from '../../../framework/types.js';

export const group: GroupSpec = { summary: 'Commands to manage node pools in Kubernetes kubernetes cluster.' };
