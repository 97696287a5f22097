/**
 * kill -9 at any moment loses no accepted write, and operations in flight finish after a restart
 * (issue 2: "a crash test: kill the server during a pool create and a reimage, restart, and show
 * that the operations finish and nothing is lost").
 */
import { afterAll, describe, expect, it } from 'vitest';
import { armRequest, startServer, waitFor, type TestServer } from '../support/server.js';

const SLOW = { TL_TIMING_OVERRIDES: JSON.stringify({ featureRegistrationMs: 50, providerRegistrationMs: 50, vmCreateMs: 200, vmBootMs: 1200, vmReimageMs: 600 }) };
const V = 'api-version=2024-09-01';
let s: TestServer;

afterAll(async () => {
  await s?.stop();
});

async function restart(): Promise<TestServer> {
  const dataDir = s.dataDir;
  await s.stop('SIGKILL');
  s = await startServer({ dataDir, env: SLOW });
  return s;
}

describe('crash and resume', () => {
  it('finishes a pool create and a reimage that were cut short by SIGKILL, with every VM identity kept', async () => {
    s = await startServer({ env: SLOW });
    const SUB = s.profile.subscriptionId;
    const mc = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c`;
    await armRequest(s, 'POST', `/subscriptions/${SUB}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/TrustedLaunchPreview/register?api-version=2021-07-01`);
    await waitFor(async () => (await armRequest(s, 'GET', `/subscriptions/${SUB}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/TrustedLaunchPreview?api-version=2021-07-01`)).json.properties.state === 'Registered', 'feature');
    await armRequest(s, 'POST', `/subscriptions/${SUB}/providers/Microsoft.ContainerService/register?api-version=2025-04-01`);
    await waitFor(async () => (await armRequest(s, 'GET', `/subscriptions/${SUB}/providers/Microsoft.ContainerService?api-version=2025-04-01`)).json.registrationState === 'Registered', 'provider');
    await armRequest(s, 'PUT', `/subscriptions/${SUB}/resourcegroups/rg?api-version=2025-04-01`, { location: 'eastus' });
    await armRequest(s, 'PUT', `${mc}?${V}`, { location: 'eastus', properties: { agentPoolProfiles: [{ name: 'nodepool1', count: 1, mode: 'System' }] } });
    await waitFor(async () => (await armRequest(s, 'GET', `${mc}?${V}`)).json.properties.provisioningState === 'Succeeded', 'cluster', 30_000);

    // 1. Kill right after the create was accepted: the pool and its operation survive and finish.
    const put = await armRequest(s, 'PUT', `${mc}/agentPools/np?${V}`, { properties: { count: 3, securityProfile: { enableVTPM: true }, upgradeSettings: { maxSurge: '1' } } });
    expect(put.status).toBe(201);
    const createOp = put.headers['azure-asyncoperation'] as string;
    await restart();
    const opPath = (url: string) => new URL(url).pathname + new URL(url).search;
    expect((await armRequest(s, 'GET', `${mc}/agentPools/np?${V}`)).json.properties.provisioningState).toBe('Creating');
    await waitFor(async () => (await armRequest(s, 'GET', opPath(createOp))).json.status === 'Succeeded', 'create operation after restart', 30_000);
    const vmssList = await armRequest(s, 'GET', `/subscriptions/${SUB}/resourceGroups/MC_rg_c_eastus/providers/Microsoft.Compute/virtualMachineScaleSets?api-version=2024-07-01`);
    const vmss = vmssList.json.value.find((v: { tags: Record<string, string> }) => v.tags['aks-managed-poolName'] === 'np').name as string;
    const vmsPath = `/subscriptions/${SUB}/resourceGroups/MC_rg_c_eastus/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss}/virtualMachines?api-version=2024-07-01`;
    const before = (await armRequest(s, 'GET', vmsPath)).json.value as { instanceId: string; properties: { vmId: string } }[];
    expect(before.map((v) => v.instanceId)).toEqual(['0', '1', '2']);
    const ekOf = async (id: string) => (await armRequest(s, 'GET', vmsPath.replace('/virtualMachines?', `/virtualMachines/${id}/vtpm?`))).json.ekName as string;
    const eks = await Promise.all(before.map((v) => ekOf(v.instanceId)));
    expect(new Set(eks).size).toBe(3);

    // 2. Kill in the middle of a reimage (one node done or in flight, others outdated).
    const upd = await armRequest(s, 'PUT', `${mc}/agentPools/np?${V}`, { properties: { securityProfile: { enableVTPM: true, enableSecureBoot: true } } });
    expect(upd.status).toBe(200);
    const reimageOp = upd.headers['azure-asyncoperation'] as string;
    await waitFor(async () => (await armRequest(s, 'GET', opPath(reimageOp))).json.percentComplete >= 33, 'first node reimaged', 30_000);
    const mid = (await armRequest(s, 'GET', vmsPath)).json.value as { properties: { latestModelApplied: boolean } }[];
    expect(mid.some((v) => !v.properties.latestModelApplied)).toBe(true);
    await restart();
    await waitFor(async () => (await armRequest(s, 'GET', opPath(reimageOp))).json.status === 'Succeeded', 'reimage operation after restart', 30_000);
    const after = (await armRequest(s, 'GET', vmsPath)).json.value as { instanceId: string; properties: { vmId: string; latestModelApplied: boolean; securityProfile: unknown } }[];
    expect(after.map((v) => [v.instanceId, v.properties.vmId])).toEqual(before.map((v) => [v.instanceId, v.properties.vmId]));
    // Every vTPM identity (EK) is unchanged by the crash, the restart and the reimage.
    expect(await Promise.all(before.map((v) => ekOf(v.instanceId)))).toEqual(eks);
    for (const v of after) {
      expect(v.properties.latestModelApplied).toBe(true);
      expect(v.properties.securityProfile).toEqual({ securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } });
    }
    expect((await armRequest(s, 'GET', `${mc}/agentPools/np?${V}`)).json.properties.provisioningState).toBe('Succeeded');
  });
});
