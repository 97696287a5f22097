/** `tl group delete`: confirmation unless --yes; 202 + Location polled until done. */
import { ArmClient } from '../../client/arm.js';
import { longRunning } from '../../client/long-running.js';
import { API } from '../../client/versions.js';
import { NO_WAIT, YES } from '../../framework/common-args.js';
import { confirm } from '../../framework/prompt.js';
import type { CommandSpec } from '../../framework/types.js';

export const command: CommandSpec = {
  summary: 'Delete a resource group.',
  arm: true,
  args: [{ names: ['--name', '--resource-group', '-n', '-g'], dest: 'name', required: true, help: 'Name of resource group. You can configure the default group using `az configure --defaults group=<name>`.' }, NO_WAIT, YES],
  examples: [{ summary: 'Delete a resource group.', command: 'az group delete -n MyResourceGroup' }],
  async run(ctx, a) {
    if (!a.yes && !(await confirm(ctx))) return undefined;
    const arm = await ArmClient.create(ctx);
    const r = await arm.send('DELETE', arm.sub(`/resourcegroups/${encodeURIComponent(a.name as string)}`), { apiVersion: API.resources });
    await longRunning(ctx, arm, r, { noWait: a.noWait === true, apiVersion: API.resources });
    return undefined;
  },
};
