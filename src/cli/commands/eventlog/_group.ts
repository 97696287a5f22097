import type { GroupSpec } from '../../framework/types.js';

export const group: GroupSpec = { summary: 'Measured boot: parse and replay TCG PC Client event logs (binary_bios_measurements), as tpm2_eventlog does.' };
