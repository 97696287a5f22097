/**
 * Agent pool properties from the command line, as az and aks-preview build them
 * (`construct_agentpool_profile`): only what the user said, so the service applies its own
 * defaults (count 3, mode User for `nodepool add`, VMSS, the control plane's version …).
 * The wire names are the API's (`osDiskSizeGB`, `enableFIPS`, `enableVTPM`, `type`).
 */
import type { Args } from '../framework/types.js';
import { gpuDriverField } from './api.js';
import { normaliseVmSetType, parseLabels, parseTaints, validateMaxSurge } from './validators.js';

export function poolProperties(a: Args, o: { apiVersion: string; defaultMode: 'System' | 'User'; labelsKey?: string; taintsKey?: string }): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  const set = (k: string, v: unknown) => {
    if (v !== undefined && v !== '') p[k] = v;
  };
  set('count', (a.nodeCount as number | undefined) ?? 3);
  set('vmSize', a.nodeVmSize);
  set('osType', a.osType ?? 'Linux');
  set('osSKU', a.osSku);
  set('type', normaliseVmSetType(a.vmSetType as string | undefined) ?? 'VirtualMachineScaleSets');
  set('mode', a.mode ?? o.defaultMode);
  set('orchestratorVersion', a.kubernetesVersion);
  if (a.enableFipsImage) p.enableFIPS = true;
  set('osDiskType', a.nodeOsdiskType);
  if (a.nodeOsdiskSize !== undefined && a.nodeOsdiskSize !== 0) p.osDiskSizeGB = a.nodeOsdiskSize;
  if (a.maxPods !== undefined && a.maxPods !== 0) p.maxPods = a.maxPods;
  set('nodeLabels', parseLabels(a[o.labelsKey ?? 'labels'] as string[] | undefined));
  set('nodeTaints', parseTaints(a[o.taintsKey ?? 'nodeTaints'] as string | undefined));
  set('availabilityZones', a.zones);
  validateMaxSurge(a.maxSurge as string | undefined);
  if (a.maxSurge !== undefined) p.upgradeSettings = { maxSurge: a.maxSurge };
  // aks-preview: set_up_secure_boot / set_up_vtpm only when asked ("default is disabled")
  if (a.enableSecureBoot || a.enableVtpm) {
    p.securityProfile = { ...(a.enableSecureBoot ? { enableSecureBoot: true } : {}), ...(a.enableVtpm ? { enableVTPM: true } : {}) };
  }
  const skip = a.skipGpuDriverInstall === true || a.gpuDriver === 'None';
  if (skip || a.gpuDriver === 'Install') {
    p.gpuProfile = gpuDriverField(o.apiVersion) === 'driver' ? { driver: skip ? 'None' : 'Install' } : { installGPUDriver: !skip };
  }
  return p;
}

/** Properties the service sets; az does not send them back on update (read-only in the SDK). */
const READ_ONLY = ['provisioningState', 'nodeImageVersion', 'currentOrchestratorVersion', 'eTag', 'powerState'];

export function writableProperties(props: Record<string, unknown>): Record<string, unknown> {
  const out = { ...props };
  for (const k of READ_ONLY) delete out[k];
  return out;
}
