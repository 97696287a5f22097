/**
 * An in-process platform for benches: a SQLite store in a temporary directory, the system clock,
 * near-zero stage delays, TrustedLaunchPreview registered and propagated, a resource group and a
 * one-pool cluster `c` — then `pool(name, count, securityProfile)` creates and waits for a pool.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/log.js';
import { KIND } from '../src/platform/model/keys.js';
import type { AgentPool, ManagedCluster } from '../src/platform/model/types.js';
import { Platform } from '../src/platform/platform.js';
import { SqliteStore } from '../src/platform/store/sqlite-store.js';
import { timingProfile } from '../src/platform/timing.js';

export interface BenchPlatform {
  readonly p: Platform;
  readonly store: SqliteStore;
  readonly sub: string;
  readonly cluster: ManagedCluster;
  /** Create (or update) pool `name` and wait until it has Succeeded; returns the milliseconds it took. */
  pool(name: string, count: number, securityProfile?: { enableVTPM: boolean; enableSecureBoot: boolean }): Promise<number>;
  close(): Promise<void>;
}

export async function benchPlatform(o: { bootVms: boolean; systemPool?: { name: string; count: number } }): Promise<BenchPlatform> {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'tl-bench-')), 'state.db'));
  const p = new Platform({ store, clock: systemClock, timing: timingProfile('test', { vmCreateMs: 0, vmBootMs: 0, featureRegistrationMs: 10, providerRegistrationMs: 10 }), log: silentLogger, bootVms: o.bootVms });
  const sub = (await p.identity.bootstrap()).subscriptionId;
  await p.start();
  await p.registrations.registerFeature(sub, 'Microsoft.ContainerService', 'TrustedLaunchPreview');
  await new Promise((r) => setTimeout(r, 50));
  await p.registrations.registerProvider(sub, 'Microsoft.ContainerService');
  await new Promise((r) => setTimeout(r, 50));
  await p.resourceGroups.createOrUpdate(sub, 'rg', 'eastus');
  const system = o.systemPool ?? { name: 'nodepool1', count: 1 };
  const { cluster } = await p.clusters.createOrUpdate(sub, 'rg', 'c', { location: 'eastus', agentPoolProfiles: [{ name: system.name, count: system.count, mode: 'System' }] });
  const until = async (pool: string) => {
    for (;;) {
      const v = (await store.get<AgentPool>(KIND.agentPool, `${sub}/rg/c/${pool}`))?.value;
      if (v?.provisioningState === 'Succeeded') return;
      if (v?.provisioningState === 'Failed') throw new Error(`pool ${pool} failed`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await until(system.name);
  return {
    p,
    store,
    sub,
    cluster,
    async pool(name, count, securityProfile) {
      const t0 = performance.now();
      await p.agentPools.createOrUpdate(sub, 'rg', 'c', name, { count, ...(securityProfile ? { securityProfile } : {}) });
      await until(name);
      return performance.now() - t0;
    },
    async close() {
      p.stop();
      await store.close();
    },
  };
}
