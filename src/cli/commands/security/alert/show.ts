/** `tl security alert show --name NAME [--location L] [--resource-group RG]`: one alert with its failing components. */
import { ArmClient } from '../../../client/arm.js';
import type { CommandSpec } from '../../../framework/types.js';
import { alertOut, ALERTS_API } from './_shared.js';

export const command: CommandSpec = {
  summary: 'Shows a security alert.',
  arm: true,
  args: [
    { names: ['--name', '-n'], required: true, help: 'Name of the alert.' },
    { names: ['--location', '-l'], help: 'The location of the alert (its VM scale set\'s region).', defaultText: 'eastus' },
    { names: ['--resource-group', '-g'], help: 'Name of resource group.' },
  ],
  examples: [{ summary: 'Get a security alert on a subscription scope.', command: 'tl security alert show --location eastus --name alertName' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const rg = a.resourceGroup as string | undefined;
    const path = arm.sub(`${rg ? `/resourceGroups/${encodeURIComponent(rg)}` : ''}/providers/Microsoft.Security/locations/${encodeURIComponent((a.location as string | undefined) ?? 'eastus')}/alerts/${encodeURIComponent(a.name as string)}`);
    return alertOut(await arm.get(path, ALERTS_API));
  },
};
