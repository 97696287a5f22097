/** VM names (node names) ↔ scale set + instance id, and az's output shape of a scale set VM. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseVmName, vmName, vmOut, vmRow } from './_vm.js';

describe('VM names', () => {
  it('a computer name maps back to its scale set and instance id (AKS: base 36 on 6 characters)', () => {
    expect(parseVmName('aks-nodepool1-12345678-vmss00000a')).toEqual({ vmss: 'aks-nodepool1-12345678-vmss', instanceId: 10 });
    expect(vmName('aks-nodepool1-12345678-vmss', 36)).toBe('aks-nodepool1-12345678-vmss000010');
    fc.assert(
      fc.property(fc.stringMatching(/^aks-[a-z0-9]{1,12}-\d{8}-vmss$/), fc.integer({ min: 0, max: 36 ** 6 - 1 }), (vmss, id) => {
        expect(parseVmName(vmName(vmss, id))).toEqual({ vmss, instanceId: id });
      }),
    );
  });

  it('names too short to carry an instance id do not resolve; any string is handled', () => {
    expect(parseVmName('vm12')).toBeUndefined();
    fc.assert(fc.property(fc.string(), (s) => void parseVmName(s)));
  });
});

describe('vmOut', () => {
  const wire = {
    id: '/subscriptions/s/resourceGroups/MC_rg_c_eastus/providers/Microsoft.Compute/virtualMachineScaleSets/aks-p-12345678-vmss/virtualMachines/1',
    name: 'aks-p-12345678-vmss_1',
    location: 'eastus',
    instanceId: '1',
    properties: {
      osProfile: { computerName: 'aks-p-12345678-vmss000001' },
      securityProfile: { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } },
      instanceView: { statuses: [{ code: 'ProvisioningState/succeeded' }, { code: 'PowerState/running', displayStatus: 'VM running' }] },
    },
  };

  it('flattens properties, names the VM by its computer name, adds resourceGroup and nulls, and -d fields', () => {
    const v = vmOut(wire, { details: true });
    expect(v).toMatchObject({ name: 'aks-p-12345678-vmss000001', resourceGroup: 'MC_rg_c_eastus', zones: null, plan: null, powerState: 'VM running', publicIps: '' });
    expect((v.securityProfile as { uefiSettings: unknown }).uefiSettings).toEqual({ secureBootEnabled: true, vTpmEnabled: true });
    expect(vmOut(wire)).not.toHaveProperty('powerState');
    expect(vmRow(vmOut(wire))).toEqual({ name: 'aks-p-12345678-vmss000001', resourceGroup: 'MC_rg_c_eastus', powerState: null, publicIps: null, fqdns: null, location: 'eastus', zones: '' });
  });
});
