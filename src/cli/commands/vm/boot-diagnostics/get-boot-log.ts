/**
 * `tl vm boot-diagnostics get-boot-log -g MC_… -n NODE`: the serial console of the VM's last boot —
 * firmware, shim, grub and kernel messages; a Secure Boot refusal names the component, its signer
 * and the reason. As az does with managed boot diagnostics: retrieveBootDiagnosticsData, then GET
 * the serialConsoleLogBlobUri (here with the bearer token: the log lives on the server) and write
 * the text to stdout as it is (az's BootLogStreamWriter), not as a JSON string.
 */
import { ArmClient } from '../../../client/arm.js';
import { UserError } from '../../../framework/errors.js';
import type { CommandSpec } from '../../../framework/types.js';
import { onVm, VM_NAME, VM_RESOURCE_GROUP } from '../_vm.js';
import { bootDiagnosticsUris } from './_uris.js';

export const command: CommandSpec = {
  summary: 'Get the boot diagnostics log from a VM.',
  arm: true,
  args: [VM_RESOURCE_GROUP, VM_NAME],
  examples: [{ summary: "Why didn't a node boot?", command: 'az vm boot-diagnostics get-boot-log -g MC_myResourceGroup_myAKSCluster_eastus -n aks-nodepool1-12345678-vmss000000' }],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const rg = a.resourceGroup as string;
    const name = a.name as string;
    const uri = (await bootDiagnosticsUris(arm, rg, name)).serialConsoleLogBlobUri;
    if (!uri) throw new UserError('CLIError', 'Please enable boot diagnostics.');
    const log = await onVm(rg, name, () => arm.send('GET', uri));
    ctx.io.stdout.write(log.text);
    return undefined;
  },
};
