/**
 * Batches (attest-batch.ts, idle-feeder.ts): the idle feeder hands the VMs due together to the
 * controller as one work item, whose results, history and vTPM states are committed in one Store
 * transaction; a VM that fails in a batch gets its own Error and the others are committed; a
 * batch commit that fails falls back to one commit per VM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND } from '../model/keys.js';
import type { VirtualMachine } from '../model/types.js';
import type { WriteOp } from '../store/store.js';
import { VTPM_STATE_KIND } from '../vtpm/service.js';
import { harness, trustedLaunchCluster, type Harness } from '../test-support/harness.js';
import type { AttestationRecord } from './types.js';

let h: Harness;
const commits: (readonly WriteOp[])[] = [];

const vms = async () => (await h.store.list<VirtualMachine>(KIND.vm)).filter((v) => v.value.computerName.startsWith('aks-tl-'));
const result = async (key: string) => (await h.store.get<AttestationRecord>(KIND.attestationResult, key))?.value;
const resultsIn = (ops: readonly WriteOp[]) => ops.filter((o) => o.op === 'put' && o.kind === KIND.attestationResult).map((o) => o.key);

beforeAll(async () => {
  h = await harness({ bootVms: true });
  const commit = h.store.commit.bind(h.store);
  h.store.commit = (ops) => {
    commits.push(ops);
    return commit(ops);
  };
  await trustedLaunchCluster(h, { tl: { count: 3, enableVTPM: true, enableSecureBoot: true } });
  await h.pass(300);
  await h.platform.attestation!.settled();
}, 60_000);

afterAll(() => h?.platform.stop());

describe('attestation batches', () => {
  it('commit the VMs that fall due together in one transaction', async () => {
    const all = await vms();
    expect(all).toHaveLength(3);
    for (const v of all) expect(await result(v.key)).toMatchObject({ status: 'Healthy', reason: 'post-boot' });
    commits.length = 0;
    // Their periodic timers fire at the same moment: one feeder batch, one commit with every result.
    await h.pass(h.platform.attestation!.intervalMs + 100, 1000);
    await h.platform.attestation!.settled();
    const withResults = commits.map(resultsIn).filter((k) => k.length);
    expect(withResults).toEqual([all.map((v) => v.key).sort()]);
    const batch = commits.find((c) => resultsIn(c).length)!;
    expect(batch.filter((o) => o.op === 'putBlob' && o.kind === VTPM_STATE_KIND).map((o) => o.key).sort()).toEqual(all.map((v) => v.key).sort());
    expect(batch.filter((o) => o.op === 'put' && o.kind === KIND.attestationHistory)).toHaveLength(3);
    for (const v of all) expect(await result(v.key)).toMatchObject({ status: 'Healthy', reason: 'periodic', seq: 1 });
  });

  it('give a VM that fails its own Error and commit the others', async () => {
    const [broken, ...others] = await vms();
    const state = (await h.store.getBlob(VTPM_STATE_KIND, broken!.key))!;
    const before = (await result(broken!.key))!;
    await h.store.commit([{ op: 'putBlob', kind: VTPM_STATE_KIND, key: broken!.key, data: new Uint8Array([1, 2, 3]) }]);
    try {
      const items = [broken!, ...others].map((v) => ({ vm: v.value, vmKey: v.key, prev: undefined, reason: 'periodic' as const }));
      h.clock.advance(1000);
      const out = await h.platform.attestation!.attestBatch(items);
      expect(out[0]).toBeInstanceOf(Error);
      for (const [i, v] of others.entries()) {
        expect(out[i + 1]).toMatchObject({ status: 'Healthy', vmKey: v.key, at: h.clock.now() });
        expect(await result(v.key)).toEqual(out[i + 1]);
      }
      expect(await result(broken!.key)).toEqual(before);
    } finally {
      await h.store.commit([{ op: 'putBlob', kind: VTPM_STATE_KIND, key: broken!.key, data: state }]);
    }
  });

  it('commit each VM on its own when the batch commit fails', async () => {
    const all = await vms();
    const commit = h.store.commit;
    let refused = 0;
    h.store.commit = (ops) => {
      if (resultsIn(ops).length > 1) {
        refused++;
        return Promise.reject(new Error('the batch commit fails'));
      }
      return commit(ops);
    };
    try {
      h.clock.advance(1000);
      const prev = new Map<string, AttestationRecord>();
      for (const v of all) prev.set(v.key, (await result(v.key))!);
      const out = await h.platform.attestation!.attestBatch(all.map((v) => ({ vm: v.value, vmKey: v.key, prev: prev.get(v.key), reason: 'periodic' as const })));
      expect(refused).toBe(1);
      for (const [i, v] of all.entries()) {
        expect(out[i]).toMatchObject({ status: 'Healthy', seq: prev.get(v.key)!.seq + 1 });
        expect(await result(v.key)).toEqual(out[i]);
      }
    } finally {
      h.store.commit = commit;
    }
  });
});
