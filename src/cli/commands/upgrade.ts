/** `tl upgrade` (az upgrade): tl ships as one package, so there is nothing to download here. */
import { AZ_CLI_VERSION, TL_VERSION } from '../client/versions.js';
import type { CommandSpec } from '../framework/types.js';

export const command: CommandSpec = {
  summary: 'Upgrade Azure CLI and extensions.',
  args: [
    { names: ['--all'], choices: ['true', 'false'], help: 'Enable updating extensions as well.', defaultText: 'true' },
    { names: ['--yes', '-y'], kind: 'flag', help: 'Do not prompt for checking release notes.' },
  ],
  async run(ctx) {
    ctx.log.warn(`You already have the latest azure-cli version: ${AZ_CLI_VERSION} (tl ${TL_VERSION}). Upgrade tl itself with the package manager that installed it.`);
    return undefined;
  },
};
