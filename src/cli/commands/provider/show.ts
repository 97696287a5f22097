/** `tl provider show`. */
import { ArmClient } from '../../client/arm.js';
import { API } from '../../client/versions.js';
import { PROVIDER_NAMESPACE } from '../../resources/provider.js';
import type { CommandSpec } from '../../framework/types.js';
import { providerOut } from '../../output/models.js';

export const command: CommandSpec = {
  summary: 'Gets the specified resource provider.',
  arm: true,
  args: [PROVIDER_NAMESPACE, { names: ['--expand'], help: 'The $expand query parameter.', hidden: true }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    return providerOut(await arm.get(arm.sub(`/providers/${encodeURIComponent(a.namespace as string)}`), API.resources));
  },
};
