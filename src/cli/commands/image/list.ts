/** `tl image list`: the node images (the platform's own and imported ones). */
import { ArmClient } from '../../client/arm.js';
import type { CommandSpec } from '../../framework/types.js';
import { IMAGE_API, imageRow, NS } from './_api.js';

export const command: CommandSpec = {
  summary: 'List node images.',
  arm: true,
  preview: true,
  args: [],
  examples: [{ summary: 'List node images as a table.', command: 'az image list -o table' }],
  table: (r) => (r as unknown[]).map(imageRow),
  async run(ctx) {
    const arm = await ArmClient.create(ctx);
    return ((await arm.get(`${NS}/nodeImages`, IMAGE_API)).value ?? []) as unknown[];
  },
};
