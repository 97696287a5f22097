import type { GroupSpec } from '../../../framework/types.js';

export const group: GroupSpec = { summary: 'Troubleshoot the startup of a VM: the serial console log of its last boot (firmware, shim, grub, kernel).' };
