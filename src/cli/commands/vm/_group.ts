import type { GroupSpec } from '../../framework/types.js';

export const group: GroupSpec = { summary: "Manage the Gen2 virtual machines behind node pools (in the node resource group MC_…; a VM's name is its node's name)." };
