/**
 * The agent pool reconciler: level-triggered, idempotent, safe to run any number of times and
 * after a crash (everything it needs is in the Store).
 *
 * Steps of one pass:
 *   1. advance every VM whose stage is due (running the boot hook for Booting VMs),
 *   2. a deleting pool: send every VM to Deleting; when none is left, remove the pool and its scale set,
 *   3. scale: create missing VMs, delete the highest-numbered extra ones,
 *   4. reimage rollout: move outdated VMs (older pool generation) to Reimaging, at most maxSurge at a time,
 *      (steps 2–4: a VM leaves service only once the drain hook has cordoned and drained its node — issue 9),
 *   5. finish the pool's operation when every VM runs the current generation (or one failed),
 *   6. commit everything atomically (compare-and-swap; a conflict re-queues the pool),
 *   7. schedule the next pass for the earliest due stage.
 */
import { KIND, computerName, keys } from '../model/keys.js';
import type { AgentPool, ManagedCluster, ScaleSet, VirtualMachine, VmModel } from '../model/types.js';
import { surgeCount } from '../rules/agent-pool.js';
import type { PlatformContext } from '../services/context.js';
import { OperationService } from '../services/operations.js';
import type { WriteOp } from '../store/store.js';
import { dueAt, STABLE, STAGES } from './vm-stages.js';

/** The VM model a pool's current settings ask for. */
export function targetModel(pool: AgentPool): VmModel {
  return {
    generation: pool.generation,
    vmSize: pool.vmSize,
    nodeImageVersion: pool.nodeImageVersion,
    securityType: pool.trustedLaunchImage ? 'TrustedLaunch' : 'Standard',
    secureBootEnabled: pool.securityProfile.enableSecureBoot,
    vTpmEnabled: pool.securityProfile.enableVTPM,
  };
}

/** The cluster key a pool key belongs to (`sub/rg/cluster/pool` → `sub/rg/cluster`). */
export const clusterKeyOfPool = (poolKey: string): string => poolKey.slice(0, poolKey.lastIndexOf('/'));

type VmState = VirtualMachine & { reimaging?: boolean };

/** How soon to ask the drain hook again when a node is not drained yet. */
export const DRAIN_RETRY_MS = 500;

/** Issue 9: cordon and drain the VM's node before it is reimaged or deleted (true: go ahead). */
async function drained(ctx: PlatformContext, vm: VirtualMachine, reason: 'Reimage' | 'Delete'): Promise<boolean> {
  if (!ctx.hooks.drainVm) return true;
  try {
    return await ctx.hooks.drainVm(vm, reason);
  } catch (e) {
    ctx.log.warn({ err: e, vm: vm.computerName }, 'drain failed; will retry');
    return false;
  }
}

export async function reconcileAgentPool(ctx: PlatformContext, poolKey: string): Promise<void> {
  const { store, clock, timing } = ctx;
  const rec = await store.get<AgentPool>(KIND.agentPool, poolKey);
  if (!rec) return;
  let pool = rec.value;
  const cluster = await store.get<ManagedCluster>(KIND.cluster, clusterKeyOfPool(poolKey));
  if (!cluster) return;
  const nodeRg = cluster.value.nodeResourceGroup;
  const ssKey = keys.scaleSet(pool.subscriptionId, nodeRg, pool.vmssName);
  const ssRec = await store.get<ScaleSet>(KIND.scaleSet, ssKey);
  const vmRecs = await store.list<VmState>(KIND.vm, { prefix: `${ssKey}/` });
  const now = clock.now();
  const writes: WriteOp[] = [];
  const after: { deleted: VirtualMachine[]; retryDrain: boolean } = { deleted: [], retryDrain: false };
  const current = new Map<string, { rev: number; vm: VmState | null; changed: boolean }>(vmRecs.map((r) => [r.key, { rev: r.rev, vm: r.value, changed: false }]));
  const set = (key: string, vm: VmState | null) => {
    const e = current.get(key);
    current.set(key, { rev: e?.rev ?? 0, vm, changed: true });
  };
  const live = () => [...current.entries()].filter(([, e]) => e.vm !== null) as [string, { rev: number; vm: VmState; changed: boolean }][];

  // 1. advance due stages
  const due = live().filter(([, e]) => e.vm.stageDueAt !== undefined && e.vm.stageDueAt <= now);
  for (const [key, { vm }] of due) {
    const spec = STAGES[vm.stage];
    if (!spec) continue;
    if (spec.action === 'boot') {
      const outcome = ctx.hooks.bootVm ? await ctx.hooks.bootVm(vm, pool) : { ok: true };
      if (outcome.writes) writes.push(...outcome.writes);
      const { stageDueAt: _d, reimaging: _r, failure: _f, ...rest } = vm;
      set(key, outcome.ok ? { ...rest, stage: 'Running', lastBootAt: now } : { ...rest, stage: 'Failed', lastBootAt: now, ...(outcome.failure ? { failure: outcome.failure } : {}) });
    } else if (spec.next === null) {
      set(key, null);
      after.deleted.push(vm);
    } else {
      const next = dueAt(spec.next, now, timing);
      set(key, { ...vm, stage: spec.next, ...(next !== undefined ? { stageDueAt: next } : {}) });
    }
  }

  // 2. a deleting pool
  if (pool.deleting) {
    for (const [key, { vm }] of live()) {
      if (vm.stage === 'Deleting') continue;
      if (!(await drained(ctx, vm, 'Delete'))) {
        after.retryDrain = true;
        continue;
      }
      set(key, { ...vm, stage: 'Deleting', stageDueAt: dueAt('Deleting', now, timing)! });
    }
    if (live().length === 0) {
      for (const [key, e] of current) if (e.changed) writes.push({ op: 'delete', kind: KIND.vm, key, expectRev: e.rev });
      writes.push({ op: 'delete', kind: KIND.agentPool, key: poolKey, expectRev: rec.rev });
      if (ssRec) writes.push({ op: 'delete', kind: KIND.scaleSet, key: ssKey, expectRev: ssRec.rev });
      const fin = pool.operationId ? await finishIfOwn(ctx, pool, poolKey, 'Succeeded') : undefined;
      if (fin) writes.push(fin);
      await store.commit(writes);
      await afterCommit(ctx, after.deleted);
      ctx.queue.enqueue(KIND.cluster, clusterKeyOfPool(poolKey));
      return;
    }
  } else {
    // 3. scale
    let ss: ScaleSet = ssRec?.value ?? { subscriptionId: pool.subscriptionId, nodeResourceGroup: nodeRg, name: pool.vmssName, location: cluster.value.location, poolKey, uniqueId: ctx.ids.uuid(), nextInstanceId: 0, createdAt: now };
    const active = live().filter(([, e]) => e.vm.stage !== 'Deleting');
    if (active.length < pool.count) {
      const model = targetModel(pool);
      for (let i = active.length; i < pool.count; i++) {
        const id = ss.nextInstanceId;
        ss = { ...ss, nextInstanceId: id + 1 };
        const vm: VmState = {
          subscriptionId: pool.subscriptionId,
          nodeResourceGroup: nodeRg,
          vmssName: pool.vmssName,
          instanceId: id,
          computerName: computerName(pool.vmssName, id),
          vmId: ctx.ids.uuid(),
          poolKey,
          stage: 'Creating',
          stageDueAt: dueAt('Creating', now, timing)!,
          model,
          createdAt: now,
        };
        set(keys.vm(ssKey, id), vm);
      }
    } else if (active.length > pool.count) {
      const extra = active.sort(([, a], [, b]) => b.vm.instanceId - a.vm.instanceId).slice(0, active.length - pool.count);
      for (const [key, { vm }] of extra) {
        if (!(await drained(ctx, vm, 'Delete'))) {
          after.retryDrain = true;
          continue;
        }
        set(key, { ...vm, stage: 'Deleting', stageDueAt: dueAt('Deleting', now, timing)! });
      }
    }
    if (!ssRec || ss.nextInstanceId !== ssRec.value.nextInstanceId) writes.push({ op: 'put', kind: KIND.scaleSet, key: ssKey, value: ss, expectRev: ssRec?.rev ?? 0 });

    // 4. reimage rollout, maxSurge at a time
    const model = targetModel(pool);
    const serving = live().filter(([, e]) => e.vm.stage !== 'Deleting');
    const inFlight = serving.filter(([, e]) => e.vm.reimaging).length;
    const outdated = serving.filter(([, e]) => e.vm.model.generation < pool.generation && STABLE.has(e.vm.stage)).sort(([, a], [, b]) => a.vm.instanceId - b.vm.instanceId);
    const slots = Math.max(0, surgeCount(pool.upgradeSettings.maxSurge, pool.count) - inFlight);
    for (const [key, { vm }] of outdated.slice(0, slots)) {
      if (!(await drained(ctx, vm, 'Reimage'))) {
        after.retryDrain = true;
        continue;
      }
      const { failure: _f, ...rest } = vm;
      set(key, { ...rest, stage: 'Reimaging', stageDueAt: dueAt('Reimaging', now, timing)!, model, reimaging: true });
    }

    // 5. finish the operation
    if (pool.operationId) {
      const nodes = live().map(([, e]) => e.vm).filter((v) => v.stage !== 'Deleting');
      const settled = live().length === pool.count && nodes.every((v) => (v.stage === 'Running' || v.stage === 'Stopped') && v.model.generation === pool.generation);
      const failed = nodes.some((v) => v.stage === 'Failed' && v.model.generation === pool.generation) && nodes.every((v) => STABLE.has(v.stage) || v.stage === 'Failed');
      if (settled || failed) {
        const status = settled ? 'Succeeded' : 'Failed';
        const firstFailure = nodes.find((v) => v.stage === 'Failed')?.failure;
        const error = failed ? { code: firstFailure?.code ?? 'VMProvisioningFailed', message: firstFailure?.message ?? 'One or more nodes failed to provision.' } : undefined;
        const fin = await finishIfOwn(ctx, pool, poolKey, status, error);
        if (fin) writes.push(fin);
        const { operationId: _o, ...rest } = pool;
        pool = { ...rest, provisioningState: status };
        writes.push({ op: 'put', kind: KIND.agentPool, key: poolKey, value: pool, expectRev: rec.rev });
      } else if (pool.operationId) {
        const done = nodes.filter((v) => v.stage === 'Running' && v.model.generation === pool.generation).length;
        const progress = await new OperationService(ctx).finishWrite(pool.subscriptionId, pool.operationId, 'InProgress', { percentComplete: Math.floor((100 * done) / Math.max(1, pool.count)) });
        if (progress) writes.push(progress);
      }
    }
  }

  // 6. finish VM actions (start/restart/reimage) whose VM has settled, then commit
  for (const [key, e] of live()) {
    const vm = e.vm;
    if (!vm.operationId || !STABLE.has(vm.stage)) continue;
    const failed = vm.stage === 'Failed';
    const fin = await new OperationService(ctx).finishWrite(vm.subscriptionId, vm.operationId, failed ? 'Failed' : 'Succeeded', failed && vm.failure ? { error: vm.failure } : {});
    if (fin) writes.push(fin);
    const { operationId: _o, ...rest } = vm;
    set(key, rest);
  }
  for (const [key, e] of current) {
    if (!e.changed) continue;
    writes.push(e.vm === null ? { op: 'delete', kind: KIND.vm, key, expectRev: e.rev } : { op: 'put', kind: KIND.vm, key, value: e.vm, expectRev: e.rev });
  }
  if (writes.length) await store.commit(writes);
  await afterCommit(ctx, after.deleted);
  if (!pool.operationId) ctx.queue.enqueue(KIND.cluster, clusterKeyOfPool(poolKey));

  // 7. next pass
  const next = Math.min(...live().map(([, e]) => e.vm.stageDueAt ?? Infinity), after.retryDrain ? now + DRAIN_RETRY_MS : Infinity);
  if (Number.isFinite(next)) ctx.queue.enqueueAt(KIND.agentPool, poolKey, next);
}

/** Finish the pool's operation only if the operation is the pool's own (not its cluster's). */
async function finishIfOwn(ctx: PlatformContext, pool: AgentPool, poolKey: string, status: 'Succeeded' | 'Failed', error?: { code: string; message: string }): Promise<WriteOp | undefined> {
  const ops = new OperationService(ctx);
  const op = await ops.get(pool.subscriptionId, pool.operationId!).catch(() => undefined);
  if (!op || op.target.key !== poolKey) return undefined;
  return ops.finishWrite(pool.subscriptionId, op.id, status, error ? { error } : {});
}

async function afterCommit(ctx: PlatformContext, deleted: readonly VirtualMachine[]): Promise<void> {
  for (const vm of deleted) {
    try {
      await ctx.hooks.vmDeleted?.(vm);
    } catch (e) {
      ctx.log.warn({ err: e, vm: vm.computerName }, 'vmDeleted hook failed');
    }
  }
}
