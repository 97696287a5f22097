/**
 * What the `tl vm …` commands share. AKS nodes are scale set VMs; az-style, a VM is named by its
 * computer name (= the Kubernetes node name, `aks-nodepool1-12345678-vmss000000`), which is the
 * scale set name followed by the instance id in base 36 on 6 characters (AKS's rule), so the
 * name maps to `…/virtualMachineScaleSets/{vmss}/virtualMachines/{id}` without a lookup.
 * Output: the scale set VM as az prints SDK models (properties flattened, camelCase SDK names,
 * `resourceGroup`, `null` for every attribute not sent), with `name` the VM's computer name.
 */
import type { ArmClient } from '../../client/arm.js';
import { ArmError } from '../../framework/errors.js';
import type { ArgSpec } from '../../framework/types.js';
import { addResourceGroup, flattenProperties, toSdk } from '../../output/sdk-case.js';

export const VM_NAME: ArgSpec = { names: ['--name', '-n'], required: true, help: 'The name of the Virtual Machine (the node name, e.g. aks-nodepool1-12345678-vmss000000). You can configure the default using `az configure --defaults vm=<name>`.' };
export const VM_RESOURCE_GROUP: ArgSpec = { names: ['--resource-group', '-g'], required: true, help: 'Name of resource group: the node resource group of the cluster (MC_<group>_<cluster>_<location>).' };
export const SHOW_DETAILS: ArgSpec = { names: ['--show-details', '-d'], kind: 'flag', help: 'Show public ip address, FQDN, and power states. command will run slow.' };

const enc = encodeURIComponent;

export const scaleSetsPath = (arm: ArmClient, rg: string) => arm.sub(`/resourceGroups/${enc(rg)}/providers/Microsoft.Compute/virtualMachineScaleSets`);

/** `aks-nodepool1-12345678-vmss00000a` → { vmss: 'aks-nodepool1-12345678-vmss', instanceId: 10 }. */
export function parseVmName(name: string): { vmss: string; instanceId: number } | undefined {
  const m = /^(.+?)([0-9a-z]{6})$/.exec(name.toLowerCase());
  return m ? { vmss: m[1]!, instanceId: parseInt(m[2]!, 36) } : undefined;
}

/** The name az shows for a VM: its computer name. */
export function vmName(vmss: string, instanceId: number): string {
  return `${vmss}${instanceId.toString(36).padStart(6, '0')}`;
}

function notFound(rg: string, name: string): ArmError {
  return new ArmError(404, { code: 'ResourceNotFound', message: `The Resource 'Microsoft.Compute/virtualMachines/${name}' under resource group '${rg}' was not found.` });
}

/** The resource path of a VM named by its computer name (the server's 404 names the VM as the user did). */
export function vmPath(arm: ArmClient, rg: string, name: string): string {
  const p = parseVmName(name);
  if (!p) throw notFound(rg, name);
  return `${scaleSetsPath(arm, rg)}/${enc(p.vmss)}/virtualMachines/${p.instanceId}`;
}

/** Run a request on a VM; a 404 about the VM itself (not e.g. missing boot diagnostics) says "VM not found" as az does. */
export async function onVm<T>(rg: string, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ArmError && e.status === 404 && e.body.code === 'ResourceNotFound') throw notFound(rg, name);
    throw e;
  }
}

/** Attributes of the SDK's VirtualMachineScaleSetVM (az prints them all, null when absent). */
const VM_MODEL = [
  'additionalCapabilities', 'availabilitySet', 'diagnosticsProfile', 'etag', 'hardwareProfile', 'id', 'identity', 'instanceId', 'instanceView',
  'latestModelApplied', 'licenseType', 'location', 'modelDefinitionApplied', 'name', 'networkProfile', 'networkProfileConfiguration', 'osProfile',
  'plan', 'protectionPolicy', 'provisioningState', 'resourceGroup', 'resources', 'securityProfile', 'sku', 'storageProfile', 'tags', 'timeCreated',
  'type', 'userData', 'vmId', 'zones',
];

/** A scale set VM from the wire, as `az vm show` prints it; with details, az's `-d` fields. */
export function vmOut(wire: Record<string, unknown>, o: { details?: boolean } = {}): Record<string, unknown> {
  const flat = toSdk(flattenProperties(wire)) as Record<string, unknown>;
  const computerName = (flat.osProfile as { computerName?: string } | undefined)?.computerName;
  if (computerName) flat.name = computerName;
  addResourceGroup(flat);
  const out: Record<string, unknown> = { ...flat };
  for (const k of VM_MODEL) if (!(k in out)) out[k] = null;
  if (o.details) {
    // az vm show -d / list -d (get_vm_details): the power state from the instance view; no NICs here.
    const statuses = ((flat.instanceView as { statuses?: { code?: string; displayStatus?: string }[] } | null)?.statuses ?? []);
    out.powerState = statuses.find((s) => s.code?.startsWith('PowerState/'))?.displayStatus ?? null;
    out.publicIps = '';
    out.privateIps = '';
    out.fqdns = '';
    out.macAddresses = '';
  }
  return out;
}

/** azure-cli's transform_vm (`vm list -o table`, `vm show -o table`). */
export function vmRow(vm: unknown): Record<string, unknown> {
  const v = vm as Record<string, unknown>;
  const row: Record<string, unknown> = { name: v.name, resourceGroup: v.resourceGroup, powerState: v.powerState ?? null, publicIps: v.publicIps ?? null, fqdns: v.fqdns ?? null, location: v.location };
  if ('zones' in v) row.zones = Array.isArray(v.zones) ? v.zones.join(',') : '';
  return row;
}
