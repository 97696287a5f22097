/** A platform on a FakeClock and an in-memory (or given) store, with a helper that lets time pass. */
import { FakeClock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { Platform } from '../platform.js';
import type { Hooks } from '../services/context.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/store.js';
import { TIMING_PROFILES } from '../timing.js';

export interface Harness {
  platform: Platform;
  clock: FakeClock;
  store: Store;
  sub: string;
  /** Let `ms` of fake time pass in small steps, running reconcilers to quiescence after each. */
  pass(ms: number, step?: number): Promise<void>;
}

export async function harness(o: { store?: Store; clock?: FakeClock; hooks?: Hooks; sub?: string; bootVms?: boolean } = {}): Promise<Harness> {
  const clock = o.clock ?? new FakeClock();
  const store = o.store ?? new MemoryStore();
  const platform = new Platform({ store, clock, timing: TIMING_PROFILES.test, log: silentLogger, bootVms: o.bootVms ?? false, ...(o.hooks ? { hooks: o.hooks } : {}) });
  const boot = await platform.identity.bootstrap();
  await platform.start();
  await platform.controller.idle();
  const pass = async (ms: number, step = 10) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(step);
      await platform.controller.idle();
    }
  };
  return { platform, clock, store, sub: boot.subscriptionId, pass };
}

/** Register TrustedLaunchPreview and propagate it, as the document does. */
export async function registerTrustedLaunch(h: Harness): Promise<void> {
  await h.platform.registrations.registerFeature(h.sub, 'Microsoft.ContainerService', 'TrustedLaunchPreview');
  await h.pass(200);
  await h.platform.registrations.registerProvider(h.sub, 'Microsoft.ContainerService');
  await h.pass(100);
}

/**
 * The document's set-up in a harness: TrustedLaunchPreview registered and propagated, group `rg`
 * and cluster `c` with its one-node System pool `nodepool1`; then each of `pools` created (the
 * caller lets them boot).
 */
export async function trustedLaunchCluster(h: Harness, pools: Record<string, { count: number; enableVTPM: boolean; enableSecureBoot: boolean }> = {}): Promise<void> {
  await registerTrustedLaunch(h);
  await h.platform.resourceGroups.createOrUpdate(h.sub, 'rg', 'eastus');
  await h.platform.clusters.createOrUpdate(h.sub, 'rg', 'c', { location: 'eastus', agentPoolProfiles: [{ name: 'nodepool1', count: 1 }] });
  await h.pass(200);
  for (const [name, { count, ...securityProfile }] of Object.entries(pools)) await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', name, { count, securityProfile });
}
