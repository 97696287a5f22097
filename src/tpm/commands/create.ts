/** TPM2_Create (TPM 2.0 Part 3 §12.1): Create an ordinary object under a storage parent; returns its protected private area. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_DATA, TPM2B_DIGEST, TPM2B_PRIVATE } from '../types/basic.js';
import { TPM2B_CREATION_DATA, TPMT_TK_CREATION } from '../types/creation.js';
import { TPML_PCR_SELECTION } from '../types/pcr.js';
import { TPM2B_PUBLIC } from '../types/public.js';
import { TPM2B_SENSITIVE_CREATE } from '../types/sensitive.js';
import { defineCommand } from './define.js';

export const TPM2_Create = defineCommand({
  code: TPM_CC.Create,
  name: 'TPM2_Create',
  handles: [{ name: 'parentHandle', auth: 'USER', type: 'TPMI_DH_OBJECT' }],
  params: {
    inSensitive: TPM2B_SENSITIVE_CREATE,
    inPublic: TPM2B_PUBLIC,
    outsideInfo: TPM2B_DATA,
    creationPCR: TPML_PCR_SELECTION,
  },
  response: {
    outPrivate: TPM2B_PRIVATE,
    outPublic: TPM2B_PUBLIC,
    creationData: TPM2B_CREATION_DATA,
    creationHash: TPM2B_DIGEST,
    creationTicket: TPMT_TK_CREATION,
  },
});
