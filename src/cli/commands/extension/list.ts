/** `tl extension list`. */
import { loadConfig } from '../../client/config.js';
import type { CommandSpec } from '../../framework/types.js';
import { extensionItem } from '../../resources/extension.js';

export const command: CommandSpec = {
  summary: 'List the installed extensions.',
  args: [],
  async run(ctx) {
    return Object.entries(loadConfig(ctx.io).extensions ?? {})
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([n, e]) => extensionItem(ctx, n, e.version));
  },
};
