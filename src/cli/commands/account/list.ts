/** `tl account list`. */
import { ArmClient } from '../../client/arm.js';
import type { CommandSpec } from '../../framework/types.js';
import { account, accountRow, listSubscriptions } from '../../resources/account.js';

export const command: CommandSpec = {
  summary: 'Get a list of subscriptions for the logged in account.',
  args: [{ names: ['--all'], kind: 'flag', help: 'List all subscriptions from all clouds, rather than just \'Enabled\' ones.' }, { names: ['--refresh'], kind: 'flag', help: 'Retrieve up-to-date subscriptions from server.' }],
  table: (r) => (r as unknown[]).map(accountRow),
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const subs = await listSubscriptions(arm);
    return subs.filter((s) => a.all || s.state === 'Enabled').map((s) => account(s, arm, s.subscriptionId.toLowerCase() === arm.subscriptionId.toLowerCase(), 'cloudName'));
  },
};
