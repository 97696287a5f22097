/** `tl aks get-versions --location`. */
import { ArmClient } from '../../client/arm.js';
import { aksApiVersion } from '../../aks/api.js';
import { versionsTable } from '../../aks/tables.js';
import type { CommandSpec } from '../../framework/types.js';
import { toSdk } from '../../output/sdk-case.js';

export const command: CommandSpec = {
  summary: 'Get the versions available for creating a managed Kubernetes cluster.',
  arm: true,
  alteredBy: 'aks-preview',
  args: [{ names: ['--location', '-l'], required: true, help: 'Location. Values from: `az account list-locations`. You can configure the default location using `az configure --defaults location=<location>`.' }],
  table: versionsTable,
  examples: [{ summary: 'Get the versions available for creating a managed Kubernetes cluster', command: 'az aks get-versions --location westus2' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const loc = (a.location as string).toLowerCase().replace(/\s/g, '');
    const r = (await arm.get(arm.sub(`/providers/Microsoft.ContainerService/locations/${encodeURIComponent(loc)}/kubernetesVersions`), aksApiVersion(ctx))) as { values?: Record<string, unknown>[] };
    return toSdk({ values: (r.values ?? []).map((v) => ({ capabilities: null, isDefault: null, isPreview: null, patchVersions: null, version: null, ...v })) });
  },
};
