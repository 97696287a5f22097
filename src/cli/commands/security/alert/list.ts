/** `tl security alert list [--resource-group RG]`. */
import { ArmClient } from '../../../client/arm.js';
import type { CommandSpec } from '../../../framework/types.js';
import { alertOut, alertRow, ALERTS_API } from './_shared.js';

export const command: CommandSpec = {
  summary: 'List security alerts.',
  arm: true,
  args: [{ names: ['--resource-group', '-g'], help: 'Name of resource group (the node resource group MC_… holds the VMs).' }],
  table: (r) => (r as unknown[]).map(alertRow),
  examples: [{ summary: 'Get security alerts on a subscription scope.', command: 'tl security alert list -o table' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const rg = a.resourceGroup as string | undefined;
    const path = arm.sub(`${rg ? `/resourceGroups/${encodeURIComponent(rg)}` : ''}/providers/Microsoft.Security/alerts`);
    return ((await arm.get(path, ALERTS_API)).value ?? []).map(alertOut);
  },
};
