/**
 * Per-node progress of a node pool reimage (the document: "updates automatically kick off a
 * node reimage … several minutes per node"), read from Microsoft.Compute like any Azure
 * client would: the pool's scale set in the node resource group (tag `aks-managed-poolName`)
 * and its VMs with instance views. A VM that has not taken the new model is waiting; one that
 * has is reimaging (stopped), booting (starting) or done (running, provisioning succeeded).
 */
import type { ArmClient } from '../client/arm.js';
import { API } from '../client/versions.js';
import { bar } from '../framework/progress.js';
import { clusterPath } from './api.js';

interface Vm {
  name: string;
  properties: { latestModelApplied?: boolean; osProfile?: { computerName?: string }; instanceView?: { statuses?: { code: string }[] } };
}

export type NodePhase = 'Waiting' | 'Reimaging' | 'Booting' | 'Done' | 'Failed';

export function nodePhase(vm: Vm): NodePhase {
  const codes = (vm.properties.instanceView?.statuses ?? []).map((s) => s.code);
  if (codes.includes('ProvisioningState/failed')) return 'Failed';
  if (!vm.properties.latestModelApplied) return 'Waiting';
  if (codes.includes('PowerState/running') && codes.includes('ProvisioningState/succeeded')) return 'Done';
  if (codes.includes('PowerState/starting')) return 'Booting';
  return 'Reimaging';
}

const STEP: Record<NodePhase, number> = { Waiting: 0, Reimaging: 1, Booting: 2, Done: 3, Failed: 3 };
const MAX_NODE_LINES = 20;

export function renderNodes(pool: string, vms: readonly Vm[]): string[] {
  const phases = vms.map((v) => ({ name: v.properties.osProfile?.computerName ?? v.name, phase: nodePhase(v) }));
  const done = phases.filter((p) => p.phase === 'Done').length;
  const lines = [`Reimaging node pool ${pool}: ${done}/${phases.length} nodes on the new image ${bar(done, phases.length)}`];
  if (phases.length > MAX_NODE_LINES) return lines;
  const w = Math.max(...phases.map((p) => p.name.length), 0);
  for (const p of phases) lines.push(`  ${p.name.padEnd(w)} ${bar(STEP[p.phase], 3)} ${p.phase}`);
  return lines;
}

/** A detail function for the spinner: fetch the VMs and render their bars. */
export async function reimageDetail(arm: ArmClient, rg: string, cluster: string, pool: string, aksApi: string): Promise<() => Promise<string[]>> {
  const mc = (await arm.get(clusterPath(arm, rg, cluster), aksApi)) as { properties?: { nodeResourceGroup?: string } };
  const nodeRg = mc.properties?.nodeResourceGroup;
  if (!nodeRg) return async () => [];
  const base = arm.sub(`/resourceGroups/${encodeURIComponent(nodeRg)}/providers/Microsoft.Compute/virtualMachineScaleSets`);
  const sets = ((await arm.get(base, API.compute)).value ?? []) as { name: string; tags?: Record<string, string> }[];
  const vmss = sets.find((s) => s.tags?.['aks-managed-poolName']?.toLowerCase() === pool.toLowerCase());
  if (!vmss) return async () => [];
  return async () => {
    const vms = ((await arm.get(`${base}/${encodeURIComponent(vmss.name)}/virtualMachines`, API.compute, { $expand: 'instanceView' })).value ?? []) as Vm[];
    return renderNodes(pool, vms);
  };
}
