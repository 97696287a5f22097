import type { GroupSpec } from '../../framework/types.js';

export const group: GroupSpec = { summary: 'UEFI Secure Boot: verify and sign boot images and kernel modules, show and export signature databases.' };
