import type { GroupSpec } from '../../../framework/types.js';

export const group: GroupSpec = { summary: 'UEFI signature databases (PK, KEK, db, dbx, MokList): show and export them from an OVMF variable store or from files.' };
