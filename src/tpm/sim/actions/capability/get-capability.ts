/**
 * TPM2_GetCapability (Part 3 §30.2): one page of a capability, starting at `property`, of at
 * most `propertyCount` entries; moreData says whether more follow.
 */
import { TPM2_GetCapability } from '../../../commands/get-capability.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_CAP } from '../../../types/constants.js';
import type { TPMS_CAPABILITY_DATA } from '../../../types/capability.js';
import { action, paramError } from '../../action.js';
import { ALGORITHMS, ECC_CURVES_IMPLEMENTED, handlesOf, pcrAllocation, pcrProperties, properties } from '../../capabilities.js';

function page<T>(all: readonly T[], key: (t: T) => number, from: number, count: number, max: number): { items: T[]; more: boolean } {
  const start = all.filter((t) => key(t) >>> 0 >= from >>> 0);
  const n = Math.min(count, max);
  return { items: start.slice(0, n), more: start.length > n };
}

export const getCapability = action(TPM2_GetCapability, ({ tpm }, { capability, property, propertyCount }) => {
  let data: TPMS_CAPABILITY_DATA;
  let more = false;
  switch (capability) {
    case TPM_CAP.ALGS: {
      const p = page(ALGORITHMS, (a) => a.alg, property, propertyCount, 169);
      data = { capability, data: p.items };
      more = p.more;
      break;
    }
    case TPM_CAP.HANDLES: {
      const p = page(handlesOf(tpm, property >>> 24), (h) => h, property, propertyCount, 254);
      data = { capability, data: p.items };
      more = p.more;
      break;
    }
    case TPM_CAP.COMMANDS: {
      const p = page(tpm.commandAttributes, (a) => a & 0xffff, property, propertyCount, 254);
      data = { capability, data: p.items };
      more = p.more;
      break;
    }
    case TPM_CAP.PP_COMMANDS:
    case TPM_CAP.AUDIT_COMMANDS:
      data = { capability, data: [] };
      break;
    case TPM_CAP.PCRS:
      data = { capability, data: pcrAllocation(tpm) };
      break;
    case TPM_CAP.TPM_PROPERTIES: {
      const all = [...properties(tpm)].map(([k, v]) => ({ property: k, value: v }));
      const p = page(all, (x) => x.property, property, propertyCount, 127);
      data = { capability, data: p.items };
      more = p.more;
      break;
    }
    case TPM_CAP.PCR_PROPERTIES: {
      const p = page(pcrProperties(), (x) => x.tag, property, propertyCount, 127);
      data = { capability, data: p.items };
      more = p.more;
      break;
    }
    case TPM_CAP.ECC_CURVES: {
      const p = page(ECC_CURVES_IMPLEMENTED, (c) => c, property, propertyCount, 508);
      data = { capability, data: p.items };
      more = p.more;
      break;
    }
    case TPM_CAP.AUTH_POLICIES:
      data = { capability, data: [] };
      break;
    default:
      paramError(TPM_RC.VALUE, 1, `capability ${capability}`);
  }
  return { moreData: more, capabilityData: data };
});
