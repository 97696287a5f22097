/** `tl logout`: forget `tl login --endpoint …` and cached tokens. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { configDir } from '../client/config.js';
import { LOGIN_FILE } from '../client/profile.js';
import type { CommandSpec } from '../framework/types.js';

export const command: CommandSpec = {
  summary: 'Log out to remove access to Azure subscriptions.',
  args: [{ names: ['--username'], help: 'Account user, if missing, logout the current active account.' }],
  async run(ctx) {
    rmSync(join(configDir(ctx.io), LOGIN_FILE), { force: true });
    rmSync(join(configDir(ctx.io), 'token-cache.json'), { force: true });
    return undefined;
  },
};
