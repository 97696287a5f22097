import { describe, expect, it } from 'vitest';
import { KIND, keys } from '../model/keys.js';
import type { VirtualMachine } from '../model/types.js';
import { QUARANTINE_TAINT, type AttestationRecord } from './nodes/desired.js';
import { kubeHarness, type KubeHarness } from './test-support/cluster.js';

/** Issue 8's contract: one record per VM (key: the VM's store key), one setting per cluster. */
async function attest(h: KubeHarness, vmIndex: number, status: AttestationRecord['status']) {
  const vms = await h.store.list<VirtualMachine>(KIND.vm);
  const vm = vms[vmIndex]!;
  const record: AttestationRecord = { status, findings: status === 'Unhealthy' ? [{ id: 'pcr7-mismatch', component: 'bootloader', message: 'grubx64.efi is not signed by a trusted key' }] : [], at: h.clock.now() };
  await h.store.commit([{ op: 'put', kind: KIND.attestationResult, key: vm.key, value: record }]);
  await h.pass(20);
  return h.get<import('./types.js').Node>('nodes', vm.value.computerName)!;
}

const quarantine = async (h: KubeHarness, on: boolean) => {
  await h.store.commit([{ op: 'put', kind: KIND.attestationSettings, key: keys.cluster(h.sub, 'rg', 'c'), value: { quarantine: on } }]);
  await h.pass(20);
};

describe('attestation results on nodes', () => {
  it('keeps an Unhealthy node Ready and raises the AttestationFailed condition and a Warning event (AKS behaviour)', async () => {
    const h = await kubeHarness({ count: 2, enableVTPM: true, enableSecureBoot: true });
    const healthy = await attest(h, 0, 'Healthy');
    expect(healthy.status.conditions?.find((c) => c.type === 'AttestationFailed')).toMatchObject({ status: 'False', reason: 'AttestationHealthy' });
    const node = await attest(h, 0, 'Unhealthy');
    expect(node.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.status.conditions?.find((c) => c.type === 'AttestationFailed')).toMatchObject({
      status: 'True',
      reason: 'AttestationUnhealthy',
      message: expect.stringContaining('bootloader: grubx64.efi is not signed by a trusted key'),
    });
    expect(node.spec.taints ?? []).toEqual([]);
    expect(h.events(node.metadata.name).some((e) => (e as { reason?: string }).reason === 'AttestationUnhealthy')).toBe(true);
    // Pods still land there: no quarantine without the cluster's opt-in.
    await h.createPod('p', { nodeName: undefined, nodeSelector: { 'kubernetes.io/hostname': node.metadata.name } });
    await h.pass(20);
    expect(h.pods()[0]!.spec.nodeName).toBe(node.metadata.name);
  });

  it('quarantines an Unhealthy node when the cluster opts in, until it attests Healthy again', async () => {
    const h = await kubeHarness({ count: 1, enableVTPM: true, enableSecureBoot: true });
    await quarantine(h, true);
    const bad = await attest(h, 0, 'Unhealthy');
    expect(bad.spec.taints).toEqual([{ key: QUARANTINE_TAINT, value: 'true', effect: 'NoSchedule', timeAdded: expect.any(String) }]);
    await h.createPod('p', { nodeSelector: { 'kubernetes.azure.com/secure-boot': 'true' } });
    await h.pass(20);
    expect(h.pods()[0]!.status.conditions?.[0]?.message).toBe(
      '0/1 nodes are available: 1 node(s) had untolerated taint {kubernetes.azure.com/attestation-failed: true}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
    // A platform error proves nothing: the quarantine stays.
    expect((await attest(h, 0, 'PlatformError')).spec.taints?.map((t) => t.key)).toEqual([QUARANTINE_TAINT]);
    // Users cannot lift it.
    const { resourceInfo } = await import('./resources.js');
    await expect(h.platform.kube.registry.guaranteedUpdate(h.uid, resourceInfo('nodes'), undefined, bad.metadata.name, (n) => ({ ...n, spec: { ...(n.spec as object), taints: [] } }))).rejects.toMatchObject({
      reason: 'Invalid',
      message: expect.stringContaining('spec.taints: Forbidden: taints under kubernetes.azure.com/ are managed by AKS'),
    });
    const good = await attest(h, 0, 'Healthy');
    expect(good.spec.taints ?? []).toEqual([]);
    await h.pass(11_000, 100);
    expect(h.pods()[0]!.status.phase).toBe('Running');
  });

  it('never quarantines on a platform error alone, and lifts the taint when the cluster opts out', async () => {
    const h = await kubeHarness({ count: 1, enableVTPM: true });
    await quarantine(h, true);
    const pe = await attest(h, 0, 'PlatformError');
    expect(pe.spec.taints ?? []).toEqual([]);
    expect(pe.status.conditions?.find((c) => c.type === 'AttestationFailed')?.status).toBe('Unknown');
    expect((await attest(h, 0, 'Unhealthy')).spec.taints?.map((t) => t.key)).toEqual([QUARANTINE_TAINT]);
    await quarantine(h, false);
    expect(h.nodes()[0]!.spec.taints ?? []).toEqual([]);
  });
});
