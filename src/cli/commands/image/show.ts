/** `tl image show --name N`: one node image, with the name, size and SHA-256 of each of its files. */
import { ArmClient } from '../../client/arm.js';
import type { CommandSpec } from '../../framework/types.js';
import { IMAGE_API, imageRow, nodeImagePath } from './_api.js';

export const command: CommandSpec = {
  summary: 'Show a node image.',
  arm: true,
  preview: true,
  args: [{ names: ['--name', '-n'], required: true, help: 'Name of the image.' }],
  table: imageRow,
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    return arm.get(nodeImagePath(a.name as string), IMAGE_API);
  },
};
