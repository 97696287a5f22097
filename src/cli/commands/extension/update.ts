/** `tl extension update --name aks-preview [--version V]`. */
import type { CommandSpec } from '../../framework/types.js';
import { EXT_NAME, installedVersion, latestOf, newer, notInstalled, requireKnown, setInstalled } from '../../resources/extension.js';

export const command: CommandSpec = {
  summary: 'Update an extension.',
  args: [EXT_NAME, { names: ['--version'], help: 'The specific version of an extension.' }, { names: ['--allow-preview'], choices: ['true', 'false'], help: 'Include preview versions of extensions.' }],
  examples: [{ summary: 'Update an extension by name.', command: 'az extension update --name aks-preview' }],
  async run(ctx, a) {
    const name = a.name as string;
    const have = installedVersion(ctx, name);
    if (!have) throw notInstalled(name);
    const info = requireKnown(name);
    const wanted = a.version as string | undefined;
    if (wanted && !info.versions.some((v) => v.version === wanted)) {
      ctx.log.warn(`Extension ${name} with version ${wanted} not found.`);
      return undefined;
    }
    const target = wanted ?? latestOf(info);
    if (!wanted && !newer(target, have)) {
      ctx.log.warn(`No updates available for '${name}'. Use --debug for more information.`);
      return undefined;
    }
    setInstalled(ctx, name, target);
    return undefined;
  },
};
