/** `tl provider list`. */
import { ArmClient } from '../../client/arm.js';
import { API } from '../../client/versions.js';
import type { CommandSpec } from '../../framework/types.js';
import { providerOut } from '../../output/models.js';

export const command: CommandSpec = {
  summary: 'Gets all resource providers for a subscription.',
  arm: true,
  args: [{ names: ['--expand'], help: 'The $expand query parameter.', hidden: true }],
  async run(ctx) {
    const arm = await ArmClient.create(ctx);
    return ((await arm.get(arm.sub('/providers'), API.resources)).value ?? []).map(providerOut);
  },
};
