/** `tl group create`: PUT …/resourcegroups/{name} (az: create_resource_group). */
import { ArmClient } from '../../client/arm.js';
import { API } from '../../client/versions.js';
import { parseTags, TAGS } from '../../framework/common-args.js';
import type { CommandSpec } from '../../framework/types.js';
import { resourceGroupOut } from '../../output/models.js';

export const command: CommandSpec = {
  summary: 'Create a new resource group.',
  arm: true,
  args: [
    { names: ['--name', '--resource-group', '-n', '-g'], dest: 'name', required: true, help: 'Name of the new resource group.' },
    { names: ['--location', '-l'], required: true, help: 'Location. Values from: `az account list-locations`. You can configure the default location using `az configure --defaults location=<location>`.' },
    TAGS,
    { names: ['--managed-by'], help: 'The ID of the resource that manages this resource group.' },
  ],
  examples: [{ summary: 'Create a new resource group in the West US region.', command: 'az group create -l westus -n MyResourceGroup' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const body = { location: a.location, ...(a.tags ? { tags: parseTags(a.tags as string[]) } : {}), ...(a.managedBy ? { managedBy: a.managedBy } : {}) };
    const r = await arm.send('PUT', arm.sub(`/resourcegroups/${encodeURIComponent(a.name as string)}`), { apiVersion: API.resources, body });
    return resourceGroupOut(r.json);
  },
};
