/** `tl group exists`: HEAD …/resourcegroups/{name} → true/false. */
import { ArmClient } from '../../client/arm.js';
import { API } from '../../client/versions.js';
import { ArmError } from '../../framework/errors.js';
import type { CommandSpec } from '../../framework/types.js';

export const command: CommandSpec = {
  summary: 'Check if a resource group exists.',
  arm: true,
  args: [{ names: ['--name', '--resource-group', '-n', '-g'], dest: 'name', required: true, help: 'Name of resource group. You can configure the default group using `az configure --defaults group=<name>`.' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    try {
      const r = await arm.send('HEAD', arm.sub(`/resourcegroups/${encodeURIComponent(a.name as string)}`), { apiVersion: API.resources });
      return r.status === 204 || r.status === 200;
    } catch (e) {
      if (e instanceof ArmError && e.status === 404) return false;
      throw e;
    }
  },
};
