/** `tl group list` (table: Name, Location, Status as az's transform_resource_group_list). */
import { ArmClient } from '../../client/arm.js';
import { API } from '../../client/versions.js';
import type { CommandSpec } from '../../framework/types.js';
import { resourceGroupOut } from '../../output/models.js';

export const command: CommandSpec = {
  summary: 'List resource groups.',
  arm: true,
  args: [{ names: ['--tag'], help: "a single tag in 'key[=value]' format" }],
  table: (r) =>
    (r as { name: string; location: string; properties?: { provisioningState?: string } }[]).map((g) => ({ Name: g.name, Location: g.location, Status: g.properties?.provisioningState })),
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const groups = ((await arm.get(arm.sub('/resourcegroups'), API.resources)).value ?? []) as { tags?: Record<string, string> }[];
    const tag = a.tag as string | undefined;
    const [k, v] = tag ? [tag.split('=')[0]!, tag.includes('=') ? tag.slice(tag.indexOf('=') + 1) : undefined] : [];
    return groups.filter((g) => !k || (g.tags && k in g.tags && (v === undefined || g.tags[k] === v))).map(resourceGroupOut);
  },
};
