/** `tl extension add --name aks-preview [--version V] [--upgrade]`. */
import type { CommandSpec } from '../../framework/types.js';
import { EXT_NAME, installedVersion, latestOf, newer, requireKnown, setInstalled } from '../../resources/extension.js';

export const command: CommandSpec = {
  summary: 'Add an extension.',
  args: [
    EXT_NAME,
    { names: ['--version'], help: "The specific version of an extension. Use 'latest' for the latest version." },
    { names: ['--upgrade'], kind: 'flag', help: 'Update the extension if already installed, otherwise just install the extension.' },
    { names: ['--yes', '-y'], kind: 'flag', help: 'Do not prompt for confirmation.' },
    { names: ['--allow-preview'], choices: ['true', 'false'], help: 'Include preview versions of extensions.' },
  ],
  examples: [{ summary: 'Add an extension by name.', command: 'az extension add --name aks-preview' }],
  async run(ctx, a) {
    const name = a.name as string;
    const wanted = a.version as string | undefined;
    const info = requireKnown(name, wanted);
    const target = wanted && wanted !== 'latest' ? wanted : latestOf(info);
    const have = installedVersion(ctx, name);
    if (have) {
      if (!a.upgrade) {
        ctx.log.warn(`Extension '${name}' is already installed.`);
        return undefined;
      }
      ctx.log.warn(`Extension '${name}' ${have} is already installed.`);
      if (have === target) return undefined;
      ctx.log.warn(wanted && wanted !== 'latest' ? `It will be overridden with version ${wanted}.` : 'It will be updated if available.');
      if (!wanted && !newer(target, have)) {
        ctx.log.warn(`No updates available for '${name}'. Use --debug for more information.`);
        return undefined;
      }
    }
    setInstalled(ctx, name, target);
    if (info.preview) ctx.log.warn(`The installed extension '${name}' is in preview.`);
    return undefined;
  },
};
