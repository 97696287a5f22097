/**
 * The managed cluster reconciler.
 *   1. a deleting cluster: send every pool to deletion under the cluster's operation; when no
 *      pool is left, remove the cluster and its node resource group and finish the operation,
 *   2. otherwise, finish the cluster's operation once no pool is still working under it
 *      (Failed if a pool failed), and derive the cluster's provisioningState.
 */
import { KIND, keys } from '../model/keys.js';
import type { AgentPool, ManagedCluster, Operation } from '../model/types.js';
import type { PlatformContext } from '../services/context.js';
import { OperationService } from '../services/operations.js';
import type { WriteOp } from '../store/store.js';

export async function reconcileCluster(ctx: PlatformContext, key: string): Promise<void> {
  const { store } = ctx;
  const rec = await store.get<ManagedCluster>(KIND.cluster, key);
  if (!rec) return;
  const c = rec.value;
  const pools = await store.list<AgentPool>(KIND.agentPool, { prefix: `${key}/` });
  const ops = new OperationService(ctx);
  const writes: WriteOp[] = [];

  if (c.deleting) {
    for (const p of pools) {
      if (p.value.deleting && p.value.operationId === c.operationId) continue;
      writes.push({ op: 'put', kind: KIND.agentPool, key: p.key, value: { ...p.value, deleting: true, provisioningState: 'Deleting', operationId: c.operationId }, expectRev: p.rev });
    }
    if (pools.length === 0) {
      writes.push({ op: 'delete', kind: KIND.cluster, key, expectRev: rec.rev });
      writes.push({ op: 'delete', kind: KIND.resourceGroup, key: keys.resourceGroup(c.subscriptionId, c.nodeResourceGroup) });
      const op = c.operationId ? await ops.get(c.subscriptionId, c.operationId).catch(() => undefined) : undefined;
      if (op && op.target.key === key) {
        const fin = await ops.finishWrite(c.subscriptionId, op.id, 'Succeeded');
        if (fin) writes.push(fin);
      }
      await store.commit(writes);
      ctx.queue.enqueue(KIND.resourceGroup, keys.resourceGroup(c.subscriptionId, c.resourceGroup));
      return;
    }
    if (writes.length) await store.commit(writes);
    for (const p of pools) ctx.queue.enqueue(KIND.agentPool, p.key);
    return;
  }

  if (!c.operationId) return;
  const working = pools.filter((p) => p.value.operationId === c.operationId);
  if (working.length > 0) {
    const pct = Math.floor((100 * (pools.length - working.length)) / Math.max(1, pools.length));
    const w = await ops.finishWrite(c.subscriptionId, c.operationId, 'InProgress', { percentComplete: pct });
    if (w) await store.commit([w]);
    return;
  }
  const failedPool = pools.find((p) => p.value.provisioningState === 'Failed');
  const op: Operation | undefined = await ops.get(c.subscriptionId, c.operationId).catch(() => undefined);
  if (op && op.target.key === key) {
    const fin = failedPool
      ? await ops.finishWrite(c.subscriptionId, op.id, 'Failed', { error: { code: 'AgentPoolProvisioningFailed', message: `Agent pool '${failedPool.value.name}' failed to provision. Check 'az aks nodepool show' and the boot diagnostics of its VMs.` } })
      : await ops.finishWrite(c.subscriptionId, op.id, 'Succeeded');
    if (fin) writes.push(fin);
  }
  const { operationId: _o, ...rest } = c;
  writes.push({ op: 'put', kind: KIND.cluster, key, value: { ...rest, provisioningState: failedPool ? 'Failed' : 'Succeeded' }, expectRev: rec.rev });
  await store.commit(writes);
}
