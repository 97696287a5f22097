/** Microsoft.Compute (read-only): the scale sets and VMs of agent pools, in the node resource group. */
import type { AgentPool } from '../../../platform/model/types.js';
import type { Route } from '../../http/router.js';
import { json } from '../../http/types.js';
import { scaleSetToWire, vmInstanceView, vmToWire } from '../convert/compute.js';
import { sub, type ArmDeps } from './deps.js';

const VMSS = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachineScaleSets';

export function computeRoutes(d: ArmDeps): Route[] {
  const c = d.platform.compute;
  const generation = (pool: AgentPool | undefined) => pool?.generation;
  return [
    {
      method: 'GET', path: VMSS, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/read',
      handler: async (req) => json(200, { value: (await c.listScaleSets(sub(req.params), req.params.resourceGroupName!)).map(scaleSetToWire) }),
    },
    {
      method: 'GET', path: `${VMSS}/{vmScaleSetName}`, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/read',
      handler: async (req) => json(200, scaleSetToWire(await c.getScaleSet(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!))),
    },
    {
      method: 'GET', path: `${VMSS}/{vmScaleSetName}/virtualMachines`, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read',
      handler: async (req) => {
        const s = await c.getScaleSet(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!);
        const expand = req.query.get('$expand') === 'instanceView';
        const vms = await c.listVms(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!);
        return json(200, { value: vms.map((v) => vmToWire(v, s.scaleSet.location, generation(s.pool), expand)) });
      },
    },
    {
      method: 'GET', path: `${VMSS}/{vmScaleSetName}/virtualMachines/{instanceId}`, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read',
      handler: async (req) => {
        const s = await c.getScaleSet(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!);
        const vm = await c.getVm(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!, Number(req.params.instanceId));
        return json(200, vmToWire(vm, s.scaleSet.location, generation(s.pool), req.query.get('$expand') === 'instanceView'));
      },
    },
    {
      method: 'GET', path: `${VMSS}/{vmScaleSetName}/virtualMachines/{instanceId}/instanceView`, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read',
      handler: async (req) => json(200, vmInstanceView(await c.getVm(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!, Number(req.params.instanceId)))),
    },
  ];
}
