/**
 * The resource group reconciler: a deleting group deletes its clusters (cancelling whatever
 * they were doing), then itself, and finishes the delete operation.
 */
import { KIND } from '../model/keys.js';
import type { ManagedCluster, ResourceGroup } from '../model/types.js';
import type { PlatformContext } from '../services/context.js';
import { OperationService } from '../services/operations.js';
import type { WriteOp } from '../store/store.js';

export async function reconcileResourceGroup(ctx: PlatformContext, key: string): Promise<void> {
  const { store } = ctx;
  const rec = await store.get<ResourceGroup>(KIND.resourceGroup, key);
  if (!rec || rec.value.provisioningState !== 'Deleting') return;
  const g = rec.value;
  const ops = new OperationService(ctx);
  const clusters = await store.list<ManagedCluster>(KIND.cluster, { prefix: `${key}/` });
  const writes: WriteOp[] = [];
  for (const c of clusters) {
    if (c.value.deleting) continue;
    if (c.value.operationId) {
      const cancel = await ops.finishWrite(g.subscriptionId, c.value.operationId, 'Canceled', { error: { code: 'Canceled', message: `The resource group '${g.name}' is being deleted.` } });
      if (cancel) writes.push(cancel);
    }
    writes.push({ op: 'put', kind: KIND.cluster, key: c.key, value: { ...c.value, deleting: true, provisioningState: 'Deleting', operationId: g.operationId }, expectRev: c.rev });
  }
  if (clusters.length === 0) {
    writes.push({ op: 'delete', kind: KIND.resourceGroup, key, expectRev: rec.rev });
    if (g.operationId) {
      const fin = await ops.finishWrite(g.subscriptionId, g.operationId, 'Succeeded');
      if (fin) writes.push(fin);
    }
  }
  if (writes.length) await store.commit(writes);
  for (const c of clusters) ctx.queue.enqueue(KIND.cluster, c.key);
}
