/** `tl vm boot-diagnostics get-boot-log-uris -g MC_… -n NODE`: the URIs of the serial log and screenshot. */
import { ArmClient } from '../../../client/arm.js';
import type { CommandSpec } from '../../../framework/types.js';
import { VM_NAME, VM_RESOURCE_GROUP } from '../_vm.js';
import { bootDiagnosticsUris } from './_uris.js';

export const command: CommandSpec = {
  summary: 'Get SAS URIs for a virtual machine\'s boot diagnostic logs.',
  arm: true,
  args: [VM_RESOURCE_GROUP, VM_NAME],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    return bootDiagnosticsUris(arm, a.resourceGroup as string, a.name as string);
  },
};
