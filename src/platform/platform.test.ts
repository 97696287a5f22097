import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { KIND } from './model/keys.js';
import type { VirtualMachine } from './model/types.js';
import { harness, registerTrustedLaunch, type Harness } from './test-support/harness.js';

async function errorOf(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

async function clusterWith(h: Harness, rg: string, name: string, tl: { enableVTPM?: boolean; enableSecureBoot?: boolean } = {}, count = 1) {
  await h.platform.resourceGroups.createOrUpdate(h.sub, rg, 'eastus');
  return h.platform.clusters.createOrUpdate(h.sub, rg, name, { location: 'eastus', agentPoolProfiles: [{ name: 'nodepool1', count, vmSize: 'Standard_DS2_v2', securityProfile: tl }] });
}

async function vmsOf(h: Harness, poolName = 'nodepool1'): Promise<VirtualMachine[]> {
  return (await h.store.list<VirtualMachine>(KIND.vm)).map((v) => v.value).filter((v) => v.computerName.startsWith(`aks-${poolName}-`));
}

describe('feature registration and propagation (the document: register, wait, register the provider)', () => {
  it('moves NotRegistered → Registering → Registered and takes effect only after the provider is registered again', async () => {
    const h = await harness();
    const f0 = await h.platform.registrations.getFeature(h.sub, 'Microsoft.ContainerService', 'TrustedLaunchPreview');
    expect(f0.state).toBe('NotRegistered');
    expect((await h.platform.registrations.registerFeature(h.sub, 'microsoft.containerservice', 'trustedlaunchpreview')).state).toBe('Registering');
    await h.pass(50);
    expect((await h.platform.registrations.getFeature(h.sub, 'Microsoft.ContainerService', 'TrustedLaunchPreview')).state).toBe('Registering');
    await h.pass(100);
    expect((await h.platform.registrations.getFeature(h.sub, 'Microsoft.ContainerService', 'TrustedLaunchPreview')).state).toBe('Registered');
    expect(await h.platform.registrations.featureGate(h.sub, 'Microsoft.ContainerService', 'TrustedLaunchPreview')).toEqual({ effective: false, state: 'Registered' });
    const e = await errorOf(clusterWith(h, 'rg', 'c', { enableVTPM: true }));
    expect(e.code).toBe('SubscriptionNotRegisteredForFeature');
    expect(e.message).toMatch(/not yet propagated: run 'az provider register --namespace Microsoft.ContainerService'/);
    expect((await h.platform.registrations.registerProvider(h.sub, 'Microsoft.ContainerService')).registrationState).toBe('Registering');
    await h.pass(100);
    expect((await h.platform.registrations.featureGate(h.sub, 'Microsoft.ContainerService', 'TrustedLaunchPreview')).effective).toBe(true);
  });

  it('unregisters: Registered → Unregistering → Unregistered, and once propagated Trusted Launch is refused again', async () => {
    const h = await harness();
    await registerTrustedLaunch(h);
    expect((await h.platform.registrations.unregisterFeature(h.sub, 'Microsoft.ContainerService', 'TrustedLaunchPreview')).state).toBe('Unregistering');
    expect((await h.platform.registrations.unregisterFeature(h.sub, 'Microsoft.ContainerService', 'TrustedLaunchPreview')).state).toBe('Unregistering');
    await h.pass(200);
    expect((await h.platform.registrations.getFeature(h.sub, 'Microsoft.ContainerService', 'TrustedLaunchPreview')).state).toBe('Unregistered');
    await h.platform.registrations.registerProvider(h.sub, 'Microsoft.ContainerService');
    await h.pass(100);
    expect((await h.platform.registrations.featureGate(h.sub, 'Microsoft.ContainerService', 'TrustedLaunchPreview')).effective).toBe(false);
    expect((await errorOf(clusterWith(h, 'rg', 'c', { enableVTPM: true }))).code).toBe('SubscriptionNotRegisteredForFeature');
    expect(await h.store.count(KIND.cluster)).toBe(0);
  });

  it('refuses an unknown feature with FeatureNotFound', async () => {
    const h = await harness();
    const e = await errorOf(h.platform.registrations.registerFeature(h.sub, 'Microsoft.ContainerService', 'StartStopPreview'));
    expect([e.kind, e.code, e.message]).toEqual(['NotFound', 'FeatureNotFound', "The feature 'StartStopPreview' could not be found."]);
  });
});

describe('clusters and pools through their lifecycle', () => {
  it('creates a Secure Boot + vTPM cluster whose VMs run the Trusted Launch model, and finishes its operation', async () => {
    const h = await harness();
    await registerTrustedLaunch(h);
    const { cluster, pools, operation, created } = await clusterWith(h, 'myResourceGroup', 'myAKSCluster', { enableVTPM: true, enableSecureBoot: true }, 1);
    expect(created).toBe(true);
    expect(cluster.provisioningState).toBe('Creating');
    expect(pools[0]!.nodeImageVersion).toMatch(/^AKSUbuntu-2204gen2TLcontainerd-/);
    expect(cluster.nodeResourceGroup).toBe('MC_myResourceGroup_myAKSCluster_eastus');
    await h.pass(200);
    const got = await h.platform.clusters.get(h.sub, 'myresourcegroup', 'MYAKSCLUSTER');
    expect(got.cluster.provisioningState).toBe('Succeeded');
    expect(got.pools[0]!.provisioningState).toBe('Succeeded');
    expect((await h.platform.operations.get(h.sub, operation.id)).status).toBe('Succeeded');
    const vms = await vmsOf(h);
    expect(vms).toHaveLength(1);
    expect(vms[0]!.computerName).toMatch(/^aks-nodepool1-\d{8}-vmss000000$/);
    expect(vms[0]!.stage).toBe('Running');
    expect(vms[0]!.model).toMatchObject({ securityType: 'TrustedLaunch', secureBootEnabled: true, vTpmEnabled: true });
  });

  it('gives a new pool the TL image when the feature is in effect even with both flags off, and none before registration', async () => {
    const h = await harness();
    await clusterWith(h, 'rg', 'c');
    await h.pass(200);
    const before = await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'early', { count: 1 });
    expect(before.pool.trustedLaunchImage).toBe(false);
    expect(before.pool.nodeImageVersion).toMatch(/^AKSUbuntu-2204gen2containerd-/);
    await h.pass(200);
    await registerTrustedLaunch(h);
    const after = await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'late', { count: 1 });
    expect(after.pool.trustedLaunchImage).toBe(true);
    expect(after.pool.securityProfile).toEqual({ enableVTPM: false, enableSecureBoot: false });
    await h.pass(200);
    // The document: pools made before registration can never enable Trusted Launch.
    const e = await errorOf(h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'early', { securityProfile: { enableSecureBoot: true } }));
    expect([e.code, e.target]).toEqual(['TrustedLaunchIncompatibleWithConfig', 'securityProfile']);
    expect(e.message).toMatch(/GPU nodepools dont have Trusted Launch support\.$/);
    // …but the later pool can, and that reimages it.
    const upd = await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'late', { securityProfile: { enableVTPM: true, enableSecureBoot: true } });
    expect(upd.operation.action).toBe('Reimage');
  });

  it('reimages node by node within maxSurge when Secure Boot is enabled, and the new model is what nodes run', async () => {
    const h = await harness();
    await registerTrustedLaunch(h);
    await clusterWith(h, 'rg', 'c');
    await h.pass(100);
    await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'mynodepool', { count: 3, securityProfile: { enableVTPM: true }, upgradeSettings: { maxSurge: '1' } });
    await h.pass(200);
    const { operation } = await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'mynodepool', { securityProfile: { enableSecureBoot: true } });
    expect((await h.platform.agentPools.get(h.sub, 'rg', 'c', 'mynodepool')).provisioningState).toBe('Updating');
    let maxInFlight = 0;
    const order: string[] = [];
    for (let i = 0; i < 60; i++) {
      await h.pass(10, 10);
      const vms = await vmsOf(h, 'mynodepool');
      const inFlight = vms.filter((v) => v.stage === 'Reimaging' || (v.stage === 'Booting' && v.model.generation === 2));
      maxInFlight = Math.max(maxInFlight, inFlight.length);
      for (const v of inFlight) if (!order.includes(v.computerName)) order.push(v.computerName);
    }
    expect(maxInFlight).toBe(1);
    expect(order.map((n) => n.slice(-6))).toEqual(['000000', '000001', '000002']);
    const vms = await vmsOf(h, 'mynodepool');
    expect(vms.every((v) => v.stage === 'Running' && v.model.secureBootEnabled && v.model.vTpmEnabled && v.model.generation === 2)).toBe(true);
    expect((await h.platform.operations.get(h.sub, operation.id)).status).toBe('Succeeded');
    // Disabling keeps the TL image (preview note) and reimages again.
    const off = await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'mynodepool', { securityProfile: { enableSecureBoot: false } });
    expect(off.pool.trustedLaunchImage).toBe(true);
    await h.pass(400);
    expect((await vmsOf(h, 'mynodepool')).every((v) => !v.model.secureBootEnabled && v.model.securityType === 'TrustedLaunch')).toBe(true);
  });

  it('answers 409 OperationNotAllowed to a second operation on a busy pool', async () => {
    const h = await harness();
    await clusterWith(h, 'rg', 'c');
    await h.pass(200);
    await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'np', { count: 2 });
    const e = await errorOf(h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'np', { count: 3 }));
    expect([e.kind, e.code]).toEqual(['Conflict', 'OperationNotAllowed']);
    expect(e.message).toBe('Operation is not allowed: Another agentpool operation (np - Creating) is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details');
  });

  it('admits exactly one of a cluster operation and a pool operation that race; the other gets 409 OperationNotAllowed', async () => {
    const h = await harness();
    await clusterWith(h, 'rg', 'c');
    await h.pass(200);
    await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'np', { count: 1 });
    await h.pass(200);
    const races: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      ['cluster update vs pool create', () => h.platform.clusters.createOrUpdate(h.sub, 'rg', 'c', { location: 'eastus', tags: { t: '1' } }), () => h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'np2', { count: 1 })],
      ['pool scale vs cluster update', () => h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'np', { count: 2 }), () => h.platform.clusters.createOrUpdate(h.sub, 'rg', 'c', { location: 'eastus', tags: { t: '2' } })],
      ['pool delete vs cluster delete', () => h.platform.agentPools.delete(h.sub, 'rg', 'c', 'np'), () => h.platform.clusters.delete(h.sub, 'rg', 'c')],
    ];
    for (const [what, a, b] of races) {
      const out = await Promise.allSettled([a(), b()]);
      const won = out.filter((o) => o.status === 'fulfilled');
      const lost = out.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      expect(won.length, what).toBe(1);
      expect(lost.map((e) => (e instanceof DomainError ? [e.kind, e.code] : e)), what).toEqual([['Conflict', 'OperationNotAllowed']]);
      const ops = (await h.store.list<{ status: string }>(KIND.operation)).filter((o) => o.value.status === 'InProgress');
      expect(ops.length, what).toBe(1);
      await h.pass(400);
    }
  });

  it('scales, deletes pools, keeps the last System pool, and deletes the cluster with its node resource group', async () => {
    const h = await harness();
    await clusterWith(h, 'rg', 'c', {}, 2);
    await h.pass(200);
    await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'nodepool1', { count: 4 });
    await h.pass(200);
    expect((await vmsOf(h)).map((v) => v.instanceId)).toEqual([0, 1, 2, 3]);
    await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'nodepool1', { count: 1 });
    await h.pass(200);
    expect((await vmsOf(h)).map((v) => v.instanceId)).toEqual([0]);
    const last = await errorOf(h.platform.agentPools.delete(h.sub, 'rg', 'c', 'nodepool1'));
    expect([last.code, last.target]).toEqual(['InvalidParameter', 'agentPoolProfile.mode']);
    const op = await h.platform.clusters.delete(h.sub, 'rg', 'c');
    await h.pass(300);
    expect((await h.platform.operations.get(h.sub, op!.id)).status).toBe('Succeeded');
    expect(await h.store.count(KIND.vm)).toBe(0);
    expect(await h.store.count(KIND.agentPool)).toBe(0);
    await expect(h.platform.resourceGroups.get(h.sub, 'MC_rg_c_eastus')).rejects.toMatchObject({ code: 'ResourceGroupNotFound' });
  });
});

describe('pool names and node counts', () => {
  const refused: [string, Record<string, unknown>, string][] = [
    ['a Windows pool name longer than 6 characters', { name: 'winpool', osType: 'Windows', mode: 'User' }, 'agentPoolProfile.name'],
    ['a User pool of more than 1,000 nodes', { count: 1001 }, 'agentPoolProfile.count'],
    ['a System pool of 0 nodes', { count: 0, mode: 'System' }, 'agentPoolProfile.count'],
    ['a negative node count', { count: -1 }, 'agentPoolProfile.count'],
  ];
  for (const [what, spec, target] of refused) {
    it(`refuses ${what}: InvalidParameter on ${target}, and stores nothing`, async () => {
      const h = await harness();
      await clusterWith(h, 'rg', 'c', {}, 1);
      await h.pass(100);
      const { name = 'np', ...rest } = spec as { name?: string };
      const e = await errorOf(h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', name, { count: 1, ...rest }));
      expect([e.kind, e.code, e.target]).toEqual(['Invalid', 'InvalidParameter', target]);
      expect(await h.store.count(KIND.agentPool)).toBe(1);
    });
  }

  it('accepts a 6-character Windows pool name and a User pool of 0 nodes', async () => {
    const h = await harness();
    await clusterWith(h, 'rg', 'c', {}, 1);
    await h.pass(100);
    expect((await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'winpol', { count: 1, osType: 'Windows', mode: 'User' })).pool.osType).toBe('Windows');
    await h.pass(100);
    expect((await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'empty', { count: 0 })).pool.count).toBe(0);
  });
});

describe('the document\'s limitations, one rule each', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['Windows node pools', { osType: 'Windows', mode: 'User' }, 'TrustedLaunchNotSupportedForWindows', 'osType'],
    ['CBLMariner (AKS names it among the SKUs without a Trusted Launch image)', { osSKU: 'CBLMariner' }, 'TrustedLaunchNotSupportedForOSSKU', 'osSKU'],
    ['Ubuntu 24.04 (not in the preview\'s support statement)', { osSKU: 'Ubuntu2404' }, 'TrustedLaunchNotSupportedForOSSKU', 'osSKU'],
    ['FIPS', { enableFIPS: true }, 'TrustedLaunchNotSupportedWithFIPS', 'enableFIPS'],
    ['Arm64', { vmSize: 'Standard_D4ps_v6' }, 'TrustedLaunchNotSupportedOnArm64', 'vmSize'],
    ['availability sets', { type: 'AvailabilitySet' }, 'TrustedLaunchRequiresVirtualMachineScaleSets', 'type'],
    ['Gen1-only sizes', { vmSize: 'Standard_D2_v3' }, 'VMSizeNotSupportedForTrustedLaunch', 'vmSize'],
    ['Kubernetes older than 1.25.2', { orchestratorVersion: '1.24.10' }, 'TrustedLaunchKubernetesVersionNotSupported', 'orchestratorVersion'],
    ['GPU with Secure Boot and the driver installed', { vmSize: 'Standard_NC4as_T4_v3' }, 'SecureBootRequiresSkippingGPUDriver', 'gpuProfile'],
    ['ephemeral OS disk that does not fit with 1 GiB of VMGS', { osDiskType: 'Ephemeral', osDiskSizeGB: 86, vmSize: 'Standard_DS2_v2' }, 'VMCannotFitEphemeralOSDisk', 'osDiskSizeGB'],
    ['Linux pool name longer than 11 characters', { name: 'abcdefghijkl' }, 'InvalidParameter', 'agentPoolProfile.name'],
    ['uppercase pool name', { name: 'MyPool' }, 'InvalidParameter', 'agentPoolProfile.name'],
  ];
  for (const [what, spec, code, target] of cases) {
    it(`refuses Trusted Launch with ${what}: ${code} on ${target}, and stores nothing`, async () => {
      const h = await harness();
      await registerTrustedLaunch(h);
      await clusterWith(h, 'rg', 'c', {}, 1);
      await h.pass(100);
      const { name = 'tlpool', ...rest } = spec as { name?: string };
      const opsBefore = await h.store.count(KIND.operation);
      const e = await errorOf(h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', name, { count: 1, ...rest, securityProfile: { enableVTPM: true, enableSecureBoot: true } }));
      expect([e.kind, e.code, e.target]).toEqual(['Invalid', code, target]);
      expect(await h.store.count(KIND.agentPool)).toBe(1);
      expect(await h.store.count(KIND.operation)).toBe(opsBefore);
    });
  }

  it('accepts the same ephemeral disk when it fits with the VMGS reservation, Ubuntu 22.04 pinned (Ubuntu2204), and GPU Secure Boot when the driver is skipped', async () => {
    const h = await harness();
    await registerTrustedLaunch(h);
    await clusterWith(h, 'rg', 'c', {}, 1);
    await h.pass(100);
    const eph = await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'eph', { count: 1, osDiskType: 'Ephemeral', osDiskSizeGB: 85, securityProfile: { enableVTPM: true } });
    expect([eph.pool.osDiskType, eph.pool.osDiskSizeGB]).toEqual(['Ephemeral', 85]);
    const u2204 = await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'ubuntu2204', { count: 1, osSKU: 'Ubuntu2204', securityProfile: { enableVTPM: true, enableSecureBoot: true } });
    expect([u2204.pool.trustedLaunchImage, u2204.pool.nodeImageVersion]).toEqual([true, expect.stringMatching(/^AKSUbuntu-2204gen2TLcontainerd-/)]);
    const gpu = await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'gpu', { count: 1, vmSize: 'Standard_NC4as_T4_v3', gpuDriver: 'None', securityProfile: { enableSecureBoot: true } });
    expect(gpu.pool.trustedLaunchImage).toBe(true);
    // Without the feature the default disk on DS2_v2 (86 GiB cache < 128 GiB) is Managed.
    expect((await h.platform.agentPools.get(h.sub, 'rg', 'c', 'nodepool1')).osDiskType).toBe('Managed');
  });
});
