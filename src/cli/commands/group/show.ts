/** `tl group show`. */
import { ArmClient } from '../../client/arm.js';
import { API } from '../../client/versions.js';
import type { CommandSpec } from '../../framework/types.js';
import { resourceGroupOut } from '../../output/models.js';

export const command: CommandSpec = {
  summary: 'Gets a resource group.',
  arm: true,
  args: [{ names: ['--name', '--resource-group', '-n', '-g'], dest: 'name', required: true, help: 'Name of resource group. You can configure the default group using `az configure --defaults group=<name>`.' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    return resourceGroupOut(await arm.get(arm.sub(`/resourcegroups/${encodeURIComponent(a.name as string)}`), API.resources));
  },
};
