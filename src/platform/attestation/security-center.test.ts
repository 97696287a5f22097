/**
 * Security alerts as the Security API addresses them (fake clock, in-memory store): an alert is
 * found only at its own location (case-insensitive, spaces ignored) and, at resource-group scope,
 * in its own resource group — elsewhere it is 404 AlertNotFound and dismissing it there changes
 * nothing; dismiss, activate and resolve move it Active → Dismissed → Active → Resolved, each seen
 * by list and show; a resolved alert stays resolved while its boot keeps failing, even when the
 * user resolves it while an attestation that updates the alert is in flight.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DomainError } from '../errors.js';
import { KIND } from '../model/keys.js';
import type { VirtualMachine } from '../model/types.js';
import type { WriteOp } from '../store/store.js';
import { harness, trustedLaunchCluster, type Harness } from '../test-support/harness.js';
import { VTPM_STATE_KIND } from '../vtpm/service.js';
import { alertKey, type SecurityAlert } from './alerts.js';
import type { AttestationRecord } from './types.js';

let h: Harness;
let vmKey: string;
let vm: VirtualMachine;
let name: string;

const sc = () => h.platform.security;
const stored = async () => (await h.store.get<SecurityAlert>(KIND.securityAlert, alertKey(h.sub, name)))!;
async function pass(ms: number, step?: number): Promise<void> {
  await h.pass(ms, step);
  await h.platform.attestation!.settled();
}
/** The alert's status as Alerts_List (subscription and resource group) and Alerts_Get see it. */
async function statusEverywhere(): Promise<string[]> {
  const inSub = (await sc().alerts(h.sub)).find((a) => a.name === name)!;
  const inRg = (await sc().alerts(h.sub, vm.nodeResourceGroup.toUpperCase())).find((a) => a.name === name)!;
  const shown = await sc().alert(h.sub, name, { location: 'eastus', resourceGroup: vm.nodeResourceGroup });
  return [inSub.status, inRg.status, shown.status];
}
async function notFoundThere(p: Promise<unknown>): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  expect(e).toMatchObject({ kind: 'NotFound', code: 'AlertNotFound', message: `The alert ${name} could not be found` });
}

beforeAll(async () => {
  h = await harness({ bootVms: true });
  await trustedLaunchCluster(h, { tl: { count: 1, enableVTPM: true, enableSecureBoot: true } });
  await pass(300);
  const v = (await h.store.list<VirtualMachine>(KIND.vm)).find((x) => x.value.computerName.startsWith('aks-tl-'))!;
  vmKey = v.key;
  // A rootkit on the kernel command line: the next boot attests Unhealthy and raises an alert.
  const found = await h.platform.vms.find(h.sub, v.value.nodeResourceGroup, v.value.computerName);
  await h.platform.vms.tamper(found, ['cmdline']);
  await h.platform.vms.act(found, 'restart');
  await pass(100);
  vm = (await h.store.get<VirtualMachine>(KIND.vm, vmKey))!.value;
  expect((await h.store.get<AttestationRecord>(KIND.attestationResult, vmKey))!.value.status).toBe('Unhealthy');
  const alerts = (await sc().alerts(h.sub)).filter((a) => a.computerName === vm.computerName);
  expect(alerts.map((a) => [a.displayName, a.status, a.location, a.resourceGroup])).toEqual([['VM attestation failure', 'Active', 'eastus', vm.nodeResourceGroup]]);
  name = alerts[0]!.name;
}, 60_000);

afterAll(() => h?.platform.stop());

describe('security alerts', () => {
  it('shows an alert only at its location and resource group (ARM location and name comparison)', async () => {
    for (const scope of [{ location: 'eastus' }, { location: 'East US' }, { location: 'EASTUS', resourceGroup: vm.nodeResourceGroup.toLowerCase() }, { location: 'eastus', resourceGroup: vm.nodeResourceGroup }]) {
      expect((await sc().alert(h.sub, name, scope)).name).toBe(name);
    }
    expect((await sc().alert(h.sub, name.toUpperCase(), { location: 'eastus' })).name).toBe(name);
    await notFoundThere(sc().alert(h.sub, name, { location: 'westus' }));
    await notFoundThere(sc().alert(h.sub, name, { location: 'east us 2' }));
    await notFoundThere(sc().alert(h.sub, name, { location: 'eastus', resourceGroup: 'rg' }));
    await notFoundThere(sc().alert(h.sub, name, { location: 'westus', resourceGroup: vm.nodeResourceGroup }));
  });

  it('refuses to dismiss, activate or resolve an alert under another location or resource group, changing nothing', async () => {
    const before = await stored();
    for (const scope of [{ location: 'westus' }, { location: 'eastus', resourceGroup: 'rg' }, { location: 'westus', resourceGroup: vm.nodeResourceGroup }]) {
      for (const status of ['Dismissed', 'Resolved', 'Active'] as const) await notFoundThere(sc().setAlertStatus(h.sub, name, scope, status));
    }
    const after = await stored();
    expect(after.rev).toBe(before.rev);
    expect(after.value).toEqual(before.value);
    expect(await statusEverywhere()).toEqual(['Active', 'Active', 'Active']);
  });

  it('moves Active → Dismissed → Active → Resolved (dismiss, activate, resolve), each seen by list and show', async () => {
    expect((await sc().setAlertStatus(h.sub, name, { location: 'eastus' }, 'Dismissed')).status).toBe('Dismissed');
    expect(await statusEverywhere()).toEqual(['Dismissed', 'Dismissed', 'Dismissed']);
    expect((await sc().setAlertStatus(h.sub, name, { location: 'East US', resourceGroup: vm.nodeResourceGroup }, 'Active')).status).toBe('Active');
    expect(await statusEverywhere()).toEqual(['Active', 'Active', 'Active']);
    expect((await sc().setAlertStatus(h.sub, name, { location: 'eastus', resourceGroup: vm.nodeResourceGroup.toUpperCase() }, 'Resolved')).status).toBe('Resolved');
    expect(await statusEverywhere()).toEqual(['Resolved', 'Resolved', 'Resolved']);
    // The alert is otherwise unchanged.
    expect((await stored()).value).toMatchObject({ components: [expect.objectContaining({ component: 'kernel command line' })], attestationStatus: 'Unhealthy' });
  });

  it('keeps a resolved alert resolved while its boot keeps failing the periodic attestations', async () => {
    const seq = (await h.store.get<AttestationRecord>(KIND.attestationResult, vmKey))!.value.seq;
    await pass(h.platform.attestation!.intervalMs * 2 + 100, 1000);
    const r = (await h.store.get<AttestationRecord>(KIND.attestationResult, vmKey))!.value;
    expect(r.seq).toBeGreaterThanOrEqual(seq + 2);
    expect(r).toMatchObject({ status: 'Unhealthy', reason: 'periodic' });
    expect(await statusEverywhere()).toEqual(['Resolved', 'Resolved', 'Resolved']);
    expect((await sc().alerts(h.sub)).filter((a) => a.computerName === vm.computerName)).toHaveLength(1);
  });

  it('keeps the status a user sets while an attestation updating the alert is in flight, and the attestation\'s update too', async () => {
    // Active again; then the agent fails (its AK evicted): the attestation adds agent.unavailable to the alert.
    await sc().setAlertStatus(h.sub, name, { location: 'eastus' }, 'Active');
    const saved = (await h.store.getBlob(VTPM_STATE_KIND, vmKey))!;
    const t = await h.platform.vtpm!.open(vmKey, vm.vmId, 'resume');
    await t.client.evictControl(0x81000003, 0x81000003);
    await h.store.commit(await t.suspend());
    // The user resolves the alert after the attestation read it and before it commits.
    const commit = h.store.commit.bind(h.store);
    let injected = false;
    const spy = vi.spyOn(h.store, 'commit').mockImplementation(async (ops: readonly WriteOp[]) => {
      const updatesAlert = ops.some((o) => o.op === 'put' && o.kind === KIND.securityAlert && (o.value as SecurityAlert).attestationStatus === 'PlatformError');
      if (updatesAlert && !injected) {
        injected = true;
        await sc().setAlertStatus(h.sub, name, { location: 'eastus' }, 'Resolved');
      }
      return commit(ops);
    });
    try {
      const r = (await h.platform.attestation!.attestNow(vmKey))!;
      expect(r.status).toBe('PlatformError');
    } finally {
      spy.mockRestore();
    }
    expect(injected).toBe(true);
    const a = (await stored()).value;
    expect(a.status).toBe('Resolved');
    expect(a.attestationStatus).toBe('PlatformError');
    expect(a.components.map((c) => c.finding)).toEqual(['kernel.cmdline_modified', 'agent.unavailable']);
    expect(await statusEverywhere()).toEqual(['Resolved', 'Resolved', 'Resolved']);
    // The vTPM put back: the VM attests again (Unhealthy: its command line is still the rootkit's).
    await h.store.commit([{ op: 'putBlob', kind: VTPM_STATE_KIND, key: vmKey, data: saved }]);
    expect((await h.platform.attestation!.attestNow(vmKey))!.status).toBe('Unhealthy');
    expect((await stored()).value.status).toBe('Resolved');
  });
});
