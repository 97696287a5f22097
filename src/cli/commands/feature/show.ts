/** `tl feature show`. */
import { ArmClient } from '../../client/arm.js';
import { API } from '../../client/versions.js';
import { FEATURE_NAME, FEATURE_NAMESPACE, featureRow } from '../../resources/feature.js';
import type { CommandSpec } from '../../framework/types.js';
import { featureOut } from '../../output/models.js';

export const command: CommandSpec = {
  summary: 'Get the feature registration.',
  arm: true,
  args: [FEATURE_NAMESPACE, FEATURE_NAME],
  table: featureRow,
  examples: [{ summary: 'Show the registration state of a feature.', command: 'az feature show --namespace Microsoft.ContainerService --name TrustedLaunchPreview --query properties.state -o tsv' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const path = arm.sub(`/providers/Microsoft.Features/providers/${encodeURIComponent(a.namespace as string)}/features/${encodeURIComponent(a.name as string)}`);
    return featureOut(await arm.get(path, API.features));
  },
};
