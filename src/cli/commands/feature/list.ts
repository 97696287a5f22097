/** `tl feature list [--namespace]`. */
import { ArmClient } from '../../client/arm.js';
import { API } from '../../client/versions.js';
import { featureRow } from '../../resources/feature.js';
import type { CommandSpec } from '../../framework/types.js';
import { featureOut } from '../../output/models.js';

export const command: CommandSpec = {
  summary: 'List preview features.',
  arm: true,
  args: [{ names: ['--namespace'], help: "The resource namespace, aka 'provider'." }],
  table: (r) => (r as unknown[]).map(featureRow),
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const ns = a.namespace as string | undefined;
    const path = ns ? arm.sub(`/providers/Microsoft.Features/providers/${encodeURIComponent(ns)}/features`) : arm.sub('/providers/Microsoft.Features/features');
    return ((await arm.get(path, API.features)).value ?? []).map(featureOut);
  },
};
