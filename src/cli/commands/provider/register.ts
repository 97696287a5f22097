/** `tl provider register`. */
import { PROVIDER_NAMESPACE, updateProvider, WAIT } from '../../resources/provider.js';
import type { CommandSpec } from '../../framework/types.js';

export const command: CommandSpec = {
  summary: 'Register a provider.',
  arm: true,
  args: [PROVIDER_NAMESPACE, WAIT, { names: ['--accept-terms'], kind: 'flag', help: 'Accept market place terms and RP terms for RPaaS. Required when registering RPs from RPaaS.', hidden: true }],
  examples: [{ summary: 'Register a provider.', command: 'az provider register --namespace Microsoft.ContainerService' }],
  async run(ctx, a) {
    await updateProvider(ctx, a.namespace as string, true, a.wait === true);
    return undefined;
  },
};
