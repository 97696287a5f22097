/** `tl extension show --name aks-preview`. */
import type { CommandSpec } from '../../framework/types.js';
import { EXT_NAME, extensionItem, installedVersion, notInstalled } from '../../resources/extension.js';

export const command: CommandSpec = {
  summary: 'Show an extension.',
  args: [EXT_NAME],
  async run(ctx, a) {
    const name = a.name as string;
    const v = installedVersion(ctx, name);
    if (!v) throw notInstalled(name);
    const { preview: _p, experimental: _e, ...item } = extensionItem(ctx, name, v);
    return { ...item, metadata: { name, version: v, 'azext.isPreview': true, summary: 'Provides a preview for upcoming AKS features' } };
  },
};
