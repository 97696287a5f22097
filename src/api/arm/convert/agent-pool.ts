/**
 * AgentPool / ManagedClusterAgentPoolProfile ⇄ the domain's AgentPool, for each api-version
 * (fields per reference/aks-api.md §1.1; wire names exactly as the spec: `enableVTPM`,
 * `osDiskSizeGB`, `enableFIPS`, `type` …).
 */
import type { AgentPool } from '../../../platform/model/types.js';
import type { AgentPoolSpec } from '../../../platform/services/agent-pool-spec.js';
import { Body } from '../body.js';
import type { AksWireFeatures } from '../versions.js';

const MODELLED = new Set([
  'count', 'vmSize', 'osType', 'osSKU', 'osDiskType', 'osDiskSizeGB', 'kubeletDiskType', 'maxPods', 'type', 'mode', 'orchestratorVersion',
  'enableFIPS', 'enableNodePublicIP', 'scaleSetPriority', 'nodeLabels', 'nodeTaints', 'tags', 'availabilityZones', 'upgradeSettings',
  'securityProfile', 'gpuProfile',
  // read-only or derived: never stored from a request
  'provisioningState', 'nodeImageVersion', 'currentOrchestratorVersion', 'eTag', 'powerState', 'name',
]);

/** Read a pool's properties (the AgentPool `properties` or one agentPoolProfiles entry). */
export function agentPoolSpecFromWire(p: Body, f: AksWireFeatures): AgentPoolSpec {
  const sec = f.trustedLaunch || f.sshAccess ? p.obj('securityProfile') : undefined;
  const gpu = p.obj('gpuProfile');
  const upgrade = p.obj('upgradeSettings');
  const extra = p.rest(MODELLED);
  if (sec && f.sshAccess && sec.str('sshAccess') !== undefined) extra.securityProfile = { sshAccess: sec.enumOf('sshAccess', ['LocalUser', 'Disabled', 'EntraId']) };
  const installGPUDriver = gpu?.bool('installGPUDriver');
  const driver = gpu?.enumOf('driver', ['Install', 'None']);
  const orchestratorVersion = p.str('orchestratorVersion');
  const spec: AgentPoolSpec = {
    count: p.int('count', 0, 1000),
    vmSize: p.str('vmSize'),
    osType: p.enumOf('osType', ['Linux', 'Windows']),
    osSKU: p.enumOf('osSKU', ['Ubuntu', 'AzureLinux', 'AzureLinux3', 'CBLMariner', 'Mariner', 'Ubuntu2204', 'Ubuntu2404', 'Windows2019', 'Windows2022']),
    osDiskType: p.enumOf('osDiskType', ['Managed', 'Ephemeral']),
    osDiskSizeGB: p.int('osDiskSizeGB', 0, 2048),
    kubeletDiskType: p.enumOf('kubeletDiskType', ['OS', 'Temporary']),
    maxPods: p.int('maxPods'),
    type: p.enumOf('type', ['VirtualMachineScaleSets', 'AvailabilitySet', 'VirtualMachines']),
    mode: p.enumOf('mode', ['System', 'User']),
    orchestratorVersion: orchestratorVersion === '' ? undefined : orchestratorVersion,
    enableFIPS: p.bool('enableFIPS'),
    enableNodePublicIP: p.bool('enableNodePublicIP'),
    scaleSetPriority: p.enumOf('scaleSetPriority', ['Regular', 'Spot']),
    nodeLabels: p.strMap('nodeLabels'),
    nodeTaints: p.strArray('nodeTaints'),
    tags: p.strMap('tags'),
    availabilityZones: p.strArray('availabilityZones'),
    upgradeSettings: upgrade
      ? dropUndefined({ maxSurge: upgrade.str('maxSurge'), drainTimeoutInMinutes: upgrade.int('drainTimeoutInMinutes', 1, 1440), nodeSoakDurationInMinutes: upgrade.int('nodeSoakDurationInMinutes', 0, 30) })
      : undefined,
    gpuDriver: driver ?? (installGPUDriver === undefined ? undefined : installGPUDriver ? 'Install' : 'None'),
    securityProfile: f.trustedLaunch && sec ? dropUndefined({ enableVTPM: sec.bool('enableVTPM'), enableSecureBoot: sec.bool('enableSecureBoot') }) : undefined,
    extra,
  };
  return dropUndefined(spec);
}

/** The pool's `properties` on the wire. */
export function agentPoolPropertiesToWire(pool: AgentPool, f: AksWireFeatures): Record<string, unknown> {
  const { securityProfile: extraSec, ...extra } = pool.extra as { securityProfile?: Record<string, unknown>; scaleDownMode?: string };
  return {
    ...extra,
    provisioningState: pool.provisioningState,
    count: pool.count,
    vmSize: pool.vmSize,
    osDiskSizeGB: pool.osDiskSizeGB,
    osDiskType: pool.osDiskType,
    kubeletDiskType: pool.kubeletDiskType,
    maxPods: pool.maxPods,
    type: pool.type,
    ...(pool.availabilityZones.length ? { availabilityZones: pool.availabilityZones } : {}),
    enableAutoScaling: false,
    scaleDownMode: (extra.scaleDownMode as string | undefined) ?? 'Delete',
    powerState: { code: pool.powerState },
    orchestratorVersion: pool.orchestratorVersion,
    currentOrchestratorVersion: pool.orchestratorVersion,
    enableNodePublicIP: pool.enableNodePublicIP,
    ...(Object.keys(pool.tags).length ? { tags: pool.tags } : {}),
    ...(Object.keys(pool.nodeLabels).length ? { nodeLabels: pool.nodeLabels } : {}),
    ...(pool.nodeTaints.length ? { nodeTaints: pool.nodeTaints } : {}),
    mode: pool.mode,
    osType: pool.osType,
    osSKU: pool.osSKU,
    nodeImageVersion: pool.nodeImageVersion,
    upgradeSettings: pool.upgradeSettings,
    enableFIPS: pool.enableFIPS,
    scaleSetPriority: pool.scaleSetPriority,
    ...(f.gpuProfile && pool.gpuDriver
      ? { gpuProfile: f.gpuProfile === 'driver' ? { driver: pool.gpuDriver } : { installGPUDriver: pool.gpuDriver === 'Install' } }
      : {}),
    ...(f.trustedLaunch || f.sshAccess
      ? {
          securityProfile: {
            ...(f.sshAccess ? { sshAccess: 'LocalUser', ...(extraSec ?? {}) } : {}),
            ...(f.trustedLaunch ? { enableVTPM: pool.securityProfile.enableVTPM, enableSecureBoot: pool.securityProfile.enableSecureBoot } : {}),
          },
        }
      : {}),
    eTag: pool.eTag,
  };
}

/** The AgentPool resource (GET/PUT …/agentPools/{name}). */
export function agentPoolToWire(pool: AgentPool, id: string, f: AksWireFeatures): Record<string, unknown> {
  return { id, name: pool.name, type: 'Microsoft.ContainerService/managedClusters/agentPools', properties: agentPoolPropertiesToWire(pool, f) };
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
