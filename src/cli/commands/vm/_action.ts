/**
 * The power actions (`start`, `stop` = powerOff, `restart`, `reimage`): POST …/virtualMachines/{id}/{action},
 * then wait for the Azure-AsyncOperation as az does (`- Running ..` on a terminal; --no-wait returns
 * at once). A boot that Secure Boot refuses fails the operation: its error (e.g.
 * `(SecureBootViolation) Secure Boot refused to boot …`) is printed in az's layout, exit 1.
 */
import { ArmClient } from '../../client/arm.js';
import { longRunning } from '../../client/long-running.js';
import { API } from '../../client/versions.js';
import { NO_WAIT } from '../../framework/common-args.js';
import type { CommandSpec, Example } from '../../framework/types.js';
import { onVm, VM_NAME, VM_RESOURCE_GROUP, vmPath } from './_vm.js';

export function vmAction(action: 'start' | 'powerOff' | 'restart' | 'reimage', summary: string, examples: readonly Example[]): CommandSpec {
  return {
    summary,
    arm: true,
    args: [VM_RESOURCE_GROUP, VM_NAME, NO_WAIT],
    examples,
    async run(ctx, a) {
      const arm = await ArmClient.create(ctx);
      const rg = a.resourceGroup as string;
      const name = a.name as string;
      const r = await onVm(rg, name, () => arm.send('POST', `${vmPath(arm, rg, name)}/${action}`, { apiVersion: API.compute }));
      await longRunning(ctx, arm, r, { apiVersion: API.compute, noWait: a.noWait === true });
      return undefined;
    },
  };
}
