/**
 * `tl vm tamper -g MC_… -n NODE --component shim|grub|kernel|module|cmdline|db|dbx [--module NAME]`:
 * the chaos face — what a rootkit does to the VM's disk or UEFI variables (a patched boot loader or
 * kernel, an unsigned driver, a changed command line, an attacker's db entry, a rolled-back dbx).
 * Recorded now, it takes effect at the next boot (`tl vm restart`); `tl vm reimage` undoes it.
 */
import { ArmClient } from '../../client/arm.js';
import { API } from '../../client/versions.js';
import type { CommandSpec } from '../../framework/types.js';
import { onVm, VM_NAME, VM_RESOURCE_GROUP, vmPath } from './_vm.js';

export const command: CommandSpec = {
  summary: 'Simulate a rootkit: change a boot component or Secure Boot variable of a VM (effective at its next boot).',
  arm: true,
  preview: true,
  args: [
    VM_RESOURCE_GROUP,
    VM_NAME,
    { names: ['--component'], required: true, choices: ['shim', 'grub', 'kernel', 'module', 'cmdline', 'db', 'dbx'], help: 'What changes: a byte of shim, grub or the kernel; a kernel module replaced by an unsigned one; the kernel command line; an attacker certificate added to db; dbx emptied.' },
    { names: ['--module'], help: 'With --component module: the module to replace (default: the first the image loads).' },
  ],
  examples: [
    { summary: "Patch a node's kernel, then reboot it: Secure Boot refuses the kernel.", command: 'az vm tamper -g MC_myResourceGroup_myAKSCluster_eastus -n aks-nodepool1-12345678-vmss000000 --component kernel' },
  ],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const rg = a.resourceGroup as string;
    const name = a.name as string;
    const body = { component: a.component as string, ...(a.module !== undefined ? { module: a.module as string } : {}) };
    return (await onVm(rg, name, () => arm.send('POST', `${vmPath(arm, rg, name)}/tamper`, { apiVersion: API.compute, body }))).json;
  },
};
