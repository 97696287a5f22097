/** Provider registration as az does it (azure-cli resource custom.py `_update_provider`). */
import { ArmClient } from '../client/arm.js';
import { API } from '../client/versions.js';
import type { ArgSpec, Context } from '../framework/types.js';

export const PROVIDER_NAMESPACE: ArgSpec = { names: ['--namespace', '-n'], required: true, help: 'The resource namespace, aka \'provider\'.' };
export const WAIT: ArgSpec = { names: ['--wait'], kind: 'flag', help: 'Wait for the registration to finish.' };

/**
 * POST …/providers/{ns}/register|unregister; if the state is not yet the target, either poll
 * until it is (--wait) or say that it is still going on, as az does.
 */
export async function updateProvider(ctx: Context, namespace: string, registering: boolean, wait: boolean): Promise<void> {
  const arm = await ArmClient.create(ctx);
  const target = registering ? 'Registered' : 'Unregistered';
  const r = await arm.send('POST', arm.sub(`/providers/${encodeURIComponent(namespace)}/${registering ? 'register' : 'unregister'}`), { apiVersion: API.resources });
  const state = (r.json as { registrationState?: string }).registrationState;
  if (state === target || (!registering && state === 'NotRegistered')) return;
  if (wait) {
    for (;;) {
      await ctx.io.sleep(200);
      const p = (await arm.get(arm.sub(`/providers/${encodeURIComponent(namespace)}`), API.resources)) as { registrationState?: string };
      if (p.registrationState === target || (!registering && p.registrationState === 'NotRegistered')) return;
    }
  }
  ctx.log.warn(`${registering ? 'Registering' : 'Unregistering'} is still on-going. You can monitor using '${ctx.prog} provider show -n ${namespace}'`);
}
