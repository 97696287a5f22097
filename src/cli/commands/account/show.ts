/** `tl account show`. */
import { ArmClient } from '../../client/arm.js';
import { UserError } from '../../framework/errors.js';
import type { CommandSpec } from '../../framework/types.js';
import { account, listSubscriptions } from '../../resources/account.js';

export const command: CommandSpec = {
  summary: 'Get the details of a subscription.',
  args: [{ names: ['--name', '--subscription', '-n', '-s'], dest: 'name', help: 'Name or ID of subscription.' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const want = ((a.name as string | undefined) ?? arm.subscriptionId).toLowerCase();
    const s = (await listSubscriptions(arm)).find((x) => x.subscriptionId.toLowerCase() === want || x.displayName.toLowerCase() === want);
    if (!s) throw new UserError('ResourceNotFoundError', `Subscription '${a.name ?? arm.subscriptionId}' not found. Check the spelling and casing and try again.`);
    return account(s, arm, s.subscriptionId.toLowerCase() === arm.subscriptionId.toLowerCase(), 'environmentName');
  },
};
