import type { GroupSpec } from '../../framework/types.js';

export const group: GroupSpec = { summary: "vTPM: run the project's TPM 2.0 simulator for real TPM tools (tpm2-tools, any TSS with the swtpm TCTI)." };
