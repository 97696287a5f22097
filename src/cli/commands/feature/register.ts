/** `tl feature register`: az's propagation warning, then POST …/features/{name}/register. */
import { ArmClient } from '../../client/arm.js';
import { API } from '../../client/versions.js';
import { FEATURE_NAME, FEATURE_NAMESPACE } from '../../resources/feature.js';
import type { CommandSpec } from '../../framework/types.js';
import { featureOut } from '../../output/models.js';

export const command: CommandSpec = {
  summary: 'Register a preview feature.',
  arm: true,
  args: [FEATURE_NAMESPACE, FEATURE_NAME],
  examples: [{ summary: 'Register the "Shared Image Gallery" feature.', command: 'az feature register --namespace Microsoft.Compute --name GalleryPreview' }],
  async run(ctx, a) {
    const ns = a.namespace as string;
    const name = a.name as string;
    ctx.log.warn(`Once the feature '${name}' is registered, invoking '${ctx.prog} provider register -n ${ns}' is required to get the change propagated`);
    const arm = await ArmClient.create(ctx);
    const r = await arm.send('POST', arm.sub(`/providers/Microsoft.Features/providers/${encodeURIComponent(ns)}/features/${encodeURIComponent(name)}/register`), { apiVersion: API.features });
    return featureOut(r.json);
  },
};
