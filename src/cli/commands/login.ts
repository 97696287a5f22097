/**
 * `tl login`: point the CLI at a server and sign in with a service principal.
 * Without arguments it uses the profile `tl serve` wrote ($TL_HOME/profile.json) and forgets
 * any earlier `tl login --endpoint`; with --endpoint it records a login (login.json, 0600).
 * It prints the accounts, as `az login` does.
 */
import { rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ArmClient } from '../client/arm.js';
import { configDir, writePrivateJson } from '../client/config.js';
import { LOGIN_FILE, loadProfile, requestToken } from '../client/profile.js';
import { UserError } from '../framework/errors.js';
import type { CommandSpec } from '../framework/types.js';
import { account, listSubscriptions } from '../resources/account.js';

export const command: CommandSpec = {
  summary: 'Log in to the Trusted Launch server (az login with a service principal).',
  args: [
    { names: ['--endpoint'], help: 'The server URL, e.g. https://127.0.0.1:8443. Without it, the profile written by `tl serve` is used.' },
    { names: ['--ca-file'], help: 'PEM file of the CA that signed the server certificate (the server writes ca.pem in its data directory).' },
    { names: ['--tenant', '-t'], help: 'The AAD tenant.' },
    { names: ['--username', '-u'], help: 'Service principal (client) id.' },
    { names: ['--password', '-p'], help: 'Service principal secret.' },
    { names: ['--service-principal'], kind: 'flag', help: 'Log in with a service principal.' },
    { names: ['--subscription'], help: 'The subscription to use by default.' },
  ],
  examples: [
    { summary: 'Use the local server started by `tl serve`.', command: 'az login' },
    { summary: 'Log in to a server with a service principal.', command: 'az login --service-principal --endpoint https://127.0.0.1:8443 --ca-file ca.pem -t TENANT -u CLIENT_ID -p SECRET' },
  ],
  async run(ctx, a) {
    const loginPath = join(configDir(ctx.io), LOGIN_FILE);
    let draft: Record<string, unknown> | undefined;
    if (a.endpoint === undefined) {
      rmSync(loginPath, { force: true });
    } else {
      if (!a.username || !a.password || !a.tenant) throw new UserError('RequiredArgumentMissingError', 'usage error: --endpoint needs --tenant, --username and --password (a service principal).');
      const caFile = a.caFile as string | undefined;
      draft = {
        endpoint: a.endpoint as string,
        ...(caFile ? { caFile: isAbsolute(caFile) ? caFile : join(ctx.io.cwd, caFile) } : {}),
        tenantId: a.tenant as string,
        clientId: a.username as string,
        clientSecret: a.password as string,
        subscriptionId: (a.subscription as string | undefined) ?? '',
      };
      writePrivateJson(loginPath, draft);
    }
    const profile = loadProfile(ctx.io);
    await requestToken(profile); // fails clearly on a wrong secret or endpoint
    const arm = await ArmClient.create(ctx);
    const subs = await listSubscriptions(arm);
    // a new login without --subscription uses the first subscription, as az login does
    if (draft && !a.subscription && subs[0]) writePrivateJson(loginPath, { ...draft, subscriptionId: subs[0].subscriptionId });
    const current = draft && !a.subscription ? subs[0]?.subscriptionId : arm.subscriptionId;
    return subs.map((s) => account(s, arm, s.subscriptionId === current, 'cloudName'));
  },
};
