import type { GroupSpec } from '../../framework/types.js';

export const group: GroupSpec = { summary: 'Node images (TrustedLaunch.Platform): import a real boot chain (shim, grub, kernel, modules, firmware keys) and run node pools on it.' };
