/** `tl account set --subscription X`: the default subscription for later commands (cli-config.json). */
import { ArmClient } from '../../client/arm.js';
import { loadConfig, saveConfig } from '../../client/config.js';
import { UserError } from '../../framework/errors.js';
import type { CommandSpec } from '../../framework/types.js';
import { listSubscriptions } from '../../resources/account.js';

export const command: CommandSpec = {
  summary: 'Set a subscription to be the current active subscription.',
  args: [{ names: ['--name', '--subscription', '-n', '-s'], dest: 'name', required: true, help: 'Name or ID of subscription.' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const want = (a.name as string).toLowerCase();
    const s = (await listSubscriptions(arm)).find((x) => x.subscriptionId.toLowerCase() === want || x.displayName.toLowerCase() === want);
    if (!s) throw new UserError('CLIError', `The subscription of '${a.name as string}' doesn't exist in cloud 'AzureCloud'.`);
    const c = loadConfig(ctx.io);
    saveConfig(ctx.io, { ...c, defaults: { ...c.defaults, subscription: s.subscriptionId } });
    return undefined;
  },
};
