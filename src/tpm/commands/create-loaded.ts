/** TPM2_CreateLoaded (Part 3 §12.9): create an object (primary under a hierarchy, or ordinary under a storage parent) and load it. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_NAME, TPM2B_PRIVATE } from '../types/basic.js';
import { sized } from '../types/codec.js';
import { TPM2B_PUBLIC, TPMT_PUBLIC } from '../types/public.js';
import { TPM2B_SENSITIVE_CREATE } from '../types/sensitive.js';
import { defineCommand } from './define.js';

/** TPM2B_TEMPLATE (Part 2 §12.2.6): a TPMT_PUBLIC (derivation templates are not supported). */
export const TPM2B_TEMPLATE = sized('TPM2B_TEMPLATE', TPMT_PUBLIC);

export const TPM2_CreateLoaded = defineCommand({
  code: TPM_CC.CreateLoaded,
  name: 'TPM2_CreateLoaded',
  handles: [{ name: 'parentHandle', auth: 'USER', type: 'TPMI_DH_PARENT+' }],
  params: {
    inSensitive: TPM2B_SENSITIVE_CREATE,
    inPublic: TPM2B_TEMPLATE,
  },
  responseHandle: 'objectHandle',
  response: {
    outPrivate: TPM2B_PRIVATE,
    outPublic: TPM2B_PUBLIC,
    name: TPM2B_NAME,
  },
});
