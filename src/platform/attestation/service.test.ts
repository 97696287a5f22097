/**
 * Guest attestation inside the platform (fake clock, in-memory store): after each committed
 * boot and periodically, with history; the AK bound once by credential activation; results gone
 * with the VM; the module alert from the boot record even without a vTPM; results written in the
 * shape the Kubernetes node sync reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../attestation/index.js';
import { KIND } from '../model/keys.js';
import type { Node } from '../kube/types.js';
import { clusterKeyOfPool } from '../reconcile/agent-pool.js';
import type { VirtualMachine } from '../model/types.js';
import { harness, trustedLaunchCluster, type Harness } from '../test-support/harness.js';
import { VTPM_STATE_KIND } from '../vtpm/service.js';
import type { SecurityAlert } from './alerts.js';
import type { AttestationBinding, AttestationRecord } from './types.js';

let h: Harness;

async function vmsOf(prefix: string): Promise<{ key: string; vm: VirtualMachine }[]> {
  return (await h.store.list<VirtualMachine>(KIND.vm)).filter((v) => v.value.computerName.startsWith(prefix)).map((v) => ({ key: v.key, vm: v.value }));
}
const result = async (key: string) => (await h.store.get<AttestationRecord>(KIND.attestationResult, key))?.value;
/** Let time pass, then let the background attestations finish. */
async function pass(ms: number, step?: number): Promise<void> {
  await h.pass(ms, step);
  await h.platform.attestation!.settled();
}

beforeAll(async () => {
  h = await harness({ bootVms: true });
  await trustedLaunchCluster(h, { tl: { count: 2, enableVTPM: true, enableSecureBoot: true }, sbonly: { count: 1, enableVTPM: false, enableSecureBoot: true } });
  await pass(300);
}, 60_000);

afterAll(() => h?.platform.stop());

describe('guest attestation in the platform', () => {
  it('attests every Secure Boot + vTPM node Healthy after its boot, in the shape node sync reads', async () => {
    const vms = await vmsOf('aks-tl-');
    expect(vms).toHaveLength(2);
    for (const { key, vm } of vms) {
      const r = (await result(key))!;
      expect(r).toMatchObject({ status: 'Healthy', findings: [], reason: 'post-boot', bootAt: vm.lastBootAt, seq: 0, vmId: vm.vmId, computerName: vm.computerName });
      expect(typeof r.at).toBe('number');
      // The token is minted on request from what the record keeps; RS256 is deterministic, so it is the same every time.
      const token = h.platform.attestation!.tokenOf(r)!;
      expect(token).toMatch(/^eyJ/);
      const signer = h.platform.attestation!.keys.find(r.token!.kid)!;
      expect(signToken(r.claims!, signer, { issuer: r.token!.issuer, now: r.at, jti: r.token!.jti })).toBe(token);
      const b = (await h.store.get<AttestationBinding>(KIND.attestationBinding, r.identity!.ekName))!.value;
      expect(b.akNames).toEqual([r.identity!.akName]);
    }
    // No vTPM, no attestation.
    for (const { key } of await vmsOf('aks-sbonly-')) expect(await result(key)).toBeUndefined();
  });

  it('re-attests periodically, keeps history, and attests a restarted VM at its next boot', async () => {
    const { key, vm } = (await vmsOf('aks-tl-'))[0]!;
    const interval = h.platform.attestation!.intervalMs;
    await pass(interval + 100, 1000);
    const periodic = (await result(key))!;
    expect(periodic).toMatchObject({ status: 'Healthy', reason: 'periodic', bootAt: vm.lastBootAt });
    expect(periodic.seq).toBeGreaterThanOrEqual(1);
    const found = await h.platform.vms.find(h.sub, vm.nodeResourceGroup, vm.computerName);
    await h.platform.vms.act(found, 'restart');
    await pass(100);
    const after = (await result(key))!;
    const booted = (await h.platform.vms.find(h.sub, vm.nodeResourceGroup, vm.computerName)).vm;
    expect(after).toMatchObject({ status: 'Healthy', reason: 'post-boot', bootAt: booted.lastBootAt });
    const history = await h.platform.security.history(key);
    expect(history.map((e) => e.reason)).toEqual(['post-boot', ...Array(after.seq - 1).fill('periodic'), 'post-boot']);
    // The AK was activated once: the binding did not change on later attestations.
    expect((await h.store.get<AttestationBinding>(KIND.attestationBinding, after.identity!.ekName))!.value.akNames).toHaveLength(1);
  });

  it('raises "untrusted Linux kernel module" from the boot record when Secure Boot refuses a module, even without a vTPM', async () => {
    const { vm } = (await vmsOf('aks-sbonly-'))[0]!;
    const found = await h.platform.vms.find(h.sub, vm.nodeResourceGroup, vm.computerName);
    await h.platform.vms.tamper(found, ['module']);
    await h.platform.vms.act(found, 'restart');
    await pass(100);
    const alerts = (await h.store.list<SecurityAlert>(KIND.securityAlert)).map((a) => a.value).filter((a) => a.computerName === vm.computerName);
    expect(alerts.map((a) => [a.displayName, a.severity, a.components.map((c) => [c.component, c.finding, c.source])])).toEqual([
      ['untrusted Linux kernel module', 'Low', [['hv_vmbus.ko', 'module.refused', 'kernel']]],
    ]);
    expect(alerts[0]!.components[0]!.message).toMatch(/The kernel refused to load hv_vmbus\.ko .*: .*/);
    // Reconciling again does not duplicate it.
    await h.platform.attestation!.run(found.key);
    expect((await h.store.list<SecurityAlert>(KIND.securityAlert)).filter((a) => a.value.computerName === vm.computerName)).toHaveLength(1);
  });

  it('reports PlatformError with agent.unavailable, naming the vTPM error, when the agent cannot quote; the next good attestation is Healthy again', async () => {
    const { key, vm } = (await vmsOf('aks-tl-'))[0]!;
    const saved = (await h.store.getBlob(VTPM_STATE_KIND, key))!;
    // The AK is evicted from the vTPM (as a guest with owner authority could do): no quote is possible.
    const t = await h.platform.vtpm!.open(key, vm.vmId, 'resume');
    await t.client.evictControl(0x81000003, 0x81000003);
    await h.store.commit(await t.suspend());
    const r = (await h.platform.attestation!.attestNow(key))!;
    expect(r.status).toBe('PlatformError');
    expect(r.findings).toEqual([expect.objectContaining({ id: 'agent.unavailable', component: 'guest attestation agent', message: expect.stringMatching(/^The agent could not collect evidence: the vTPM did not answer: .+\.$/) })]);
    expect(h.platform.attestation!.tokenOf(r)).toBeUndefined();
    // The vTPM state from before the eviction, put back: the agent quotes again and the VM is Healthy.
    await h.store.commit([{ op: 'putBlob', kind: VTPM_STATE_KIND, key, data: saved }]);
    expect((await h.platform.attestation!.attestNow(key))!.status).toBe('Healthy');
  });

  it('forgets a deleted VM (result, history, binding); its alerts stay', async () => {
    await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'tl', { count: 1, securityProfile: { enableVTPM: true, enableSecureBoot: true } });
    await pass(300);
    const remaining = await vmsOf('aks-tl-');
    expect(remaining).toHaveLength(1);
    const results = await h.store.list<AttestationRecord>(KIND.attestationResult);
    expect(results.filter((r) => r.value.computerName.startsWith('aks-tl-')).map((r) => r.key)).toEqual([remaining[0]!.key]);
    const history = await h.store.list(KIND.attestationHistory);
    expect(history.every((e) => e.key.startsWith(remaining[0]!.key) || !e.key.includes('/aks-tl-'))).toBe(true);
    expect(await h.store.list(KIND.attestationBinding)).toHaveLength(1);
  });

  it('drops the result of a VM whose next boot Secure Boot refuses (its history stays), and attests it again after a reimage', async () => {
    const { key, vm } = (await vmsOf('aks-tl-'))[0]!;
    const found = await h.platform.vms.find(h.sub, vm.nodeResourceGroup, vm.computerName);
    await h.platform.vms.tamper(found, ['kernel']);
    await h.platform.vms.act(found, 'restart');
    await pass(100);
    expect((await h.platform.vms.find(h.sub, vm.nodeResourceGroup, vm.computerName)).vm.stage).toBe('Failed');
    expect(await result(key)).toBeUndefined();
    const before = (await h.platform.security.history(key)).length;
    expect(before).toBeGreaterThan(0);
    await h.platform.vms.act(await h.platform.vms.find(h.sub, vm.nodeResourceGroup, vm.computerName), 'reimage');
    await pass(200);
    expect(await result(key)).toMatchObject({ status: 'Healthy', reason: 'post-boot' });
    expect((await h.platform.security.history(key)).length).toBe(before + 1);
  });

  it('with the cluster opted into quarantine, a node attesting Unhealthy is tainted in its Kubernetes API until it attests Healthy', async () => {
    const { key, vm } = (await vmsOf('aks-tl-'))[0]!;
    const cluster = (await h.store.get<{ resourceUID: string }>(KIND.cluster, clusterKeyOfPool(vm.poolKey)))!.value;
    const node = () => h.platform.kube.cache.get<Node>(cluster.resourceUID, 'nodes', vm.computerName)?.obj;
    await h.platform.attestation!.state.setSettings(clusterKeyOfPool(vm.poolKey), { quarantine: true }, h.clock.now());
    const found = await h.platform.vms.find(h.sub, vm.nodeResourceGroup, vm.computerName);
    await h.platform.vms.tamper(found, ['cmdline']);
    await h.platform.vms.act(found, 'restart');
    await pass(100);
    await pass(20);
    expect((await result(key))!.status).toBe('Unhealthy');
    expect(node()!.spec.taints?.map((t) => `${t.key}=${t.value}:${t.effect}`)).toEqual(['kubernetes.azure.com/attestation-failed=true:NoSchedule']);
    expect(node()!.status.conditions?.find((c) => c.type === 'AttestationFailed')).toMatchObject({ status: 'True', message: expect.stringContaining('kernel command line') });
    await h.platform.vms.act(await h.platform.vms.find(h.sub, vm.nodeResourceGroup, vm.computerName), 'reimage');
    await pass(200);
    await pass(20);
    expect((await result(key))!.status).toBe('Healthy');
    expect(node()!.spec.taints ?? []).toEqual([]);
  });
});
