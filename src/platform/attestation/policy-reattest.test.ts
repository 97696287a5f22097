/**
 * A change of a cluster's attestation policy re-attests that cluster's running vTPM VMs at once
 * (fake clock, in-memory store; the periodic interval never comes): through the idle feeder, as
 * one batch work item, each result then carries the new policy hash and the verdict the new
 * policy gives — Secure Boot audit ↔ require, a kernel command line allowed and then no longer —
 * with reason 'policy-change' in the result and its history. Another cluster's VMs and a change
 * that leaves the policy as it was (quarantine only) attest nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_POLICY, policyHash, policyText, type AttestationPolicy } from '../../attestation/index.js';
import { KIND } from '../model/keys.js';
import type { VirtualMachine } from '../model/types.js';
import { clusterKeyOfPool } from '../reconcile/agent-pool.js';
import { harness, registerTrustedLaunch, type Harness } from '../test-support/harness.js';
import { ATTEST_BATCH_QUEUE, ATTEST_QUEUE } from './service.js';
import type { AttestationRecord } from './types.js';

let h: Harness;
let clusterKey: string;
/** The controller's own enqueue (the spy passes every call on to it). */
let original: (kind: string, key: string) => void;

/** The node pool of a computer name (aks-{pool}-{id}-vmss{n}). */
const pool = (computerName: string) => computerName.split('-')[1]!;
const hashOf = (p: AttestationPolicy) => policyHash(policyText(p));
const result = async (key: string) => (await h.store.get<AttestationRecord>(KIND.attestationResult, key))?.value;
async function vms(cluster: string, prefix?: string): Promise<{ key: string; vm: VirtualMachine }[]> {
  return (await h.store.list<VirtualMachine>(KIND.vm))
    .filter((v) => clusterKeyOfPool(v.value.poolKey).endsWith(`/${cluster}`) && v.value.model.vTpmEnabled && (!prefix || v.value.computerName.startsWith(prefix)))
    .map((v) => ({ key: v.key, vm: v.value }));
}
/** Every vTPM VM's result in cluster c: [computer name, status, reason, policy hash]. */
async function verdicts(): Promise<[string, string, string, string][]> {
  const out: [string, string, string, string][] = [];
  for (const { key, vm } of await vms('c')) {
    const r = (await result(key))!;
    out.push([vm.computerName, r.status, r.reason, r.policyHash]);
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/**
 * Set cluster c's policy (what the ARM PUT …/attestationPolicies/default does), then let the
 * controller run for `ms` of fake time — far less than the periodic interval. Returns the work
 * items enqueued meanwhile and when the change was made.
 */
async function setPolicy(policy: AttestationPolicy | undefined, extra: { quarantine?: boolean } = {}, ms = 50): Promise<{ at: number; enqueued: [string, string][] }> {
  const enqueued: [string, string][] = [];
  const spy = vi.spyOn(h.platform.controller, 'enqueue').mockImplementation((kind: string, key: string) => {
    enqueued.push([kind, key]);
    original(kind, key);
  });
  const at = h.clock.now();
  try {
    await h.platform.attestation!.state.setSettings(clusterKey, { ...(policy ? { policy } : {}), ...extra }, at);
    await h.pass(ms);
    await h.platform.attestation!.settled();
  } finally {
    spy.mockRestore();
  }
  expect(h.clock.now() - at).toBeLessThan(h.platform.attestation!.intervalMs);
  return { at, enqueued };
}

beforeAll(async () => {
  h = await harness({ bootVms: true });
  original = h.platform.controller.enqueue.bind(h.platform.controller);
  await registerTrustedLaunch(h);
  await h.platform.resourceGroups.createOrUpdate(h.sub, 'rg', 'eastus');
  for (const c of ['c', 'd']) {
    await h.platform.clusters.createOrUpdate(h.sub, 'rg', c, { location: 'eastus', agentPoolProfiles: [{ name: 'nodepool1', count: 1 }] });
    await h.pass(200);
    await h.platform.agentPools.createOrUpdate(h.sub, 'rg', c, 'tl', { count: c === 'c' ? 2 : 1, securityProfile: { enableVTPM: true, enableSecureBoot: true } });
  }
  // A vTPM node without Secure Boot: Unhealthy while the policy requires Secure Boot.
  await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'nosb', { count: 1, securityProfile: { enableVTPM: true, enableSecureBoot: false } });
  await h.pass(300);
  await h.platform.attestation!.settled();
  clusterKey = clusterKeyOfPool((await vms('c'))[0]!.vm.poolKey);
}, 60_000);

afterAll(() => h?.platform.stop());

describe('a policy change re-attests the cluster', () => {
  const H0 = hashOf(DEFAULT_POLICY);
  const AUDIT: AttestationPolicy = { ...DEFAULT_POLICY, secureBoot: 'audit' };

  it('Secure Boot require → audit: every node of the cluster carries the new hash and verdict at once, attested in one feeder batch', async () => {
    expect((await verdicts()).map(([n, s, r, p]) => [pool(n), s, r, p])).toEqual([
      ['nosb', 'Unhealthy', 'post-boot', H0],
      ['tl', 'Healthy', 'post-boot', H0],
      ['tl', 'Healthy', 'post-boot', H0],
    ]);
    const other = (await result((await vms('d'))[0]!.key))!;
    const { at, enqueued } = await setPolicy(AUDIT);
    const H1 = hashOf(AUDIT);
    expect((await verdicts()).map(([n, s, r, p]) => [pool(n), s, r, p])).toEqual([
      ['nosb', 'Healthy', 'policy-change', H1],
      ['tl', 'Healthy', 'policy-change', H1],
      ['tl', 'Healthy', 'policy-change', H1],
    ]);
    for (const { key } of await vms('c')) {
      const r = (await result(key))!;
      expect(r.at).toBeGreaterThanOrEqual(at);
      const [latest] = await h.platform.security.history(key);
      expect(latest).toMatchObject({ at: r.at, reason: 'policy-change', policyHash: H1, status: 'Healthy' });
    }
    // Secure Boot off is reported, suppressed by the audit policy.
    const nosb = (await result((await vms('c', 'aks-nosb-'))[0]!.key))!;
    expect(nosb.findings).toEqual([expect.objectContaining({ id: 'secureboot.disabled', suppressed: true })]);
    // Through the idle feeder: one batch work item for the three VMs, no single-VM item.
    expect(enqueued.filter(([k]) => k === ATTEST_QUEUE)).toEqual([]);
    expect(enqueued.filter(([k]) => k === ATTEST_BATCH_QUEUE)).toHaveLength(1);
    // The other cluster's VM was not touched.
    expect(await result((await vms('d'))[0]!.key)).toEqual(other);
  });

  it('Secure Boot audit → require: the node without Secure Boot is Unhealthy again, under the default hash', async () => {
    await setPolicy(DEFAULT_POLICY);
    expect((await verdicts()).map(([n, s, r, p]) => [pool(n), s, r, p])).toEqual([
      ['nosb', 'Unhealthy', 'policy-change', H0],
      ['tl', 'Healthy', 'policy-change', H0],
      ['tl', 'Healthy', 'policy-change', H0],
    ]);
    const nosb = (await result((await vms('c', 'aks-nosb-'))[0]!.key))!;
    expect(nosb.findings).toEqual([expect.objectContaining({ id: 'secureboot.disabled' })]);
    expect(nosb.findings[0]!.suppressed).toBeUndefined();
  });

  it('a changed kernel command line allowed, then no longer: the node turns Healthy, then Unhealthy', async () => {
    const { key, vm } = (await vms('c', 'aks-tl-'))[0]!;
    const found = await h.platform.vms.find(h.sub, vm.nodeResourceGroup, vm.computerName);
    await h.platform.vms.tamper(found, ['cmdline']);
    await h.platform.vms.act(found, 'restart');
    await h.pass(100);
    await h.platform.attestation!.settled();
    const bad = (await result(key))!;
    expect(bad).toMatchObject({ status: 'Unhealthy', reason: 'post-boot', policyHash: H0 });
    const cmdline = bad.findings.find((f) => f.id === 'kernel.cmdline_modified')!.actual!;
    const ALLOW: AttestationPolicy = { ...DEFAULT_POLICY, allowedKernelCommandLines: [cmdline] };
    await setPolicy(ALLOW);
    expect(await result(key)).toMatchObject({ status: 'Healthy', reason: 'policy-change', policyHash: hashOf(ALLOW), findings: [] });
    await setPolicy(DEFAULT_POLICY);
    expect(await result(key)).toMatchObject({ status: 'Unhealthy', reason: 'policy-change', policyHash: H0, findings: [expect.objectContaining({ id: 'kernel.cmdline_modified', actual: cmdline })] });
    expect((await verdicts()).map(([, s, r, p]) => [s, r, p])).toEqual([
      ['Unhealthy', 'policy-change', H0],
      ['Unhealthy', 'policy-change', H0],
      ['Healthy', 'policy-change', H0],
    ]);
  });

  it('attests nothing when the policy stays as it was (a quarantine-only change, the same policy again)', async () => {
    const before = await Promise.all((await vms('c')).map(async ({ key }) => (await result(key))!));
    const quarantine = await setPolicy(undefined, { quarantine: true });
    const same = await setPolicy(DEFAULT_POLICY);
    expect(await Promise.all((await vms('c')).map(async ({ key }) => (await result(key))!))).toEqual(before);
    for (const e of [quarantine.enqueued, same.enqueued]) expect(e.filter(([k]) => k === ATTEST_QUEUE)).toEqual([]);
  });
});
