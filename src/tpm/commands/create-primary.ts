/** TPM2_CreatePrimary (TPM 2.0 Part 3 §24.1): Create a primary object from a hierarchy seed and a template (deterministic for a given seed and template). */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_DATA, TPM2B_DIGEST, TPM2B_NAME } from '../types/basic.js';
import { TPM2B_CREATION_DATA, TPMT_TK_CREATION } from '../types/creation.js';
import { TPML_PCR_SELECTION } from '../types/pcr.js';
import { TPM2B_PUBLIC } from '../types/public.js';
import { TPM2B_SENSITIVE_CREATE } from '../types/sensitive.js';
import { defineCommand } from './define.js';

export const TPM2_CreatePrimary = defineCommand({
  code: TPM_CC.CreatePrimary,
  name: 'TPM2_CreatePrimary',
  handles: [{ name: 'primaryHandle', auth: 'USER', type: 'TPMI_RH_HIERARCHY+' }],
  params: {
    inSensitive: TPM2B_SENSITIVE_CREATE,
    inPublic: TPM2B_PUBLIC,
    outsideInfo: TPM2B_DATA,
    creationPCR: TPML_PCR_SELECTION,
  },
  responseHandle: 'objectHandle',
  response: {
    outPublic: TPM2B_PUBLIC,
    creationData: TPM2B_CREATION_DATA,
    creationHash: TPM2B_DIGEST,
    creationTicket: TPMT_TK_CREATION,
    name: TPM2B_NAME,
  },
});
