/** `tl extension list-available`: what `extension add` can add. */
import { EXTENSIONS } from '../../client/extensions.js';
import type { CommandSpec } from '../../framework/types.js';
import { installedVersion, latestOf, newer } from '../../resources/extension.js';

export const command: CommandSpec = {
  summary: 'List publicly available extensions.',
  args: [{ names: ['--show-details', '-d'], kind: 'flag', help: 'Show the raw data from the extension index.' }],
  async run(ctx) {
    return EXTENSIONS.map((e) => {
      const have = installedVersion(ctx, e.name);
      const latest = latestOf(e);
      return { experimental: false, installed: have ? (newer(latest, have) ? 'True (upgrade available)' : true) : false, name: e.name, preview: e.preview, summary: e.summary, version: latest };
    });
  },
};
