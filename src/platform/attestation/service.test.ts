import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND } from '../model/keys.js';
import type { VirtualMachine } from '../model/types.js';
import { harness, registerTrustedLaunch, type Harness } from '../test-support/harness.js';
import type { AttestationRecord } from './types.js';

let h: Harness;

beforeAll(async () => {
  h = await harness({ bootVms: true });
  await registerTrustedLaunch(h);
  await h.platform.resourceGroups.createOrUpdate(h.sub, 'rg', 'eastus');
  await h.platform.clusters.createOrUpdate(h.sub, 'rg', 'c', { location: 'eastus', agentPoolProfiles: [{ name: 'nodepool1', count: 1 }] });
  await h.pass(200);
  await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'tl', { count: 2, securityProfile: { enableVTPM: true, enableSecureBoot: true } });
  await h.pass(300);
}, 60_000);

afterAll(() => h?.platform.stop());

describe('guest attestation', () => {
  it('attests every Secure Boot + vTPM node Healthy', async () => {
    const vms = (await h.store.list<VirtualMachine>(KIND.vm)).filter((v) => v.value.computerName.startsWith('aks-tl-'));
    for (const v of vms) {
      const r = (await h.store.get<AttestationRecord>(KIND.attestationResult, v.key))?.value;
      console.log(v.value.computerName, r?.status, JSON.stringify(r?.findings, null, 1));
      expect(r?.status).toBe('Healthy');
    }
  });
});
