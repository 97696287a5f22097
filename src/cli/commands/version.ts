/** `tl version`: the versions as JSON (az version). */
import { versionJson } from '../framework/version-text.js';
import type { CommandSpec } from '../framework/types.js';

export const command: CommandSpec = {
  summary: 'Show the versions of Azure CLI modules and extensions in JSON format by default or format configured by --output.',
  args: [],
  async run(ctx) {
    return versionJson(ctx.io);
  },
};
