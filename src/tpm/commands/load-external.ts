/** TPM2_LoadExternal (TPM 2.0 Part 3 §12.3): Load a public key (and optionally its sensitive area) that was not created by this TPM. */
import { TPM_CC } from '../types/constants.js';
import { TPM2B_NAME } from '../types/basic.js';
import { UINT32 } from '../types/codec.js';
import { TPM2B_PUBLIC } from '../types/public.js';
import { TPM2B_SENSITIVE } from '../types/sensitive.js';
import { defineCommand } from './define.js';

export const TPM2_LoadExternal = defineCommand({
  code: TPM_CC.LoadExternal,
  name: 'TPM2_LoadExternal',
  params: {
    inPrivate: TPM2B_SENSITIVE,
    inPublic: TPM2B_PUBLIC,
    hierarchy: UINT32,
  },
  responseHandle: 'objectHandle',
  response: {
    name: TPM2B_NAME,
  },
});
