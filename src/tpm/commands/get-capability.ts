/** TPM2_GetCapability (TPM 2.0 Part 3 §30.2): Capabilities and properties, paged by (property, propertyCount) with moreData. */
import { TPM_CC } from '../types/constants.js';
import { TPMS_CAPABILITY_DATA } from '../types/capability.js';
import { TPMI_YES_NO, UINT32 } from '../types/codec.js';
import { defineCommand } from './define.js';

export const TPM2_GetCapability = defineCommand({
  code: TPM_CC.GetCapability,
  name: 'TPM2_GetCapability',
  params: {
    capability: UINT32,
    property: UINT32,
    propertyCount: UINT32,
  },
  response: {
    moreData: TPMI_YES_NO,
    capabilityData: TPMS_CAPABILITY_DATA,
  },
});
