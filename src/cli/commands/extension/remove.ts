/** `tl extension remove --name aks-preview`. */
import type { CommandSpec } from '../../framework/types.js';
import { EXT_NAME, installedVersion, notInstalled, setInstalled } from '../../resources/extension.js';

export const command: CommandSpec = {
  summary: 'Remove an extension.',
  args: [EXT_NAME],
  async run(ctx, a) {
    const name = a.name as string;
    if (!installedVersion(ctx, name)) throw notInstalled(name);
    setInstalled(ctx, name, undefined);
    return undefined;
  },
};
