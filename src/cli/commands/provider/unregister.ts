/** `tl provider unregister`. */
import { PROVIDER_NAMESPACE, updateProvider, WAIT } from '../../resources/provider.js';
import type { CommandSpec } from '../../framework/types.js';

export const command: CommandSpec = {
  summary: 'Unregister a provider.',
  arm: true,
  args: [PROVIDER_NAMESPACE, WAIT],
  async run(ctx, a) {
    await updateProvider(ctx, a.namespace as string, false, a.wait === true);
    return undefined;
  },
};
