/**
 * The checks az makes before calling the service (azure-cli acs `_validators.py`, aks-preview
 * `agentpool_decorator.py`). Everything else — Windows, FIPS, Arm64, availability sets, GPU
 * drivers, ephemeral OS sizes, Kubernetes versions, name syntax beyond this — is the server's
 * rule and comes back as its error.
 */
import { UserError } from '../framework/errors.js';

export function validateNodepoolName(name: string): void {
  if (name === '') return;
  if (name.length > 12) throw new UserError('InvalidArgumentValueError', '--nodepool-name can contain at most 12 characters');
  // Python's str.isalnum(): uppercase passes here and fails at the service (aks-api.md §5.3)
  if (!/^[\p{L}\p{N}]+$/u.test(name)) throw new UserError('InvalidArgumentValueError', '--nodepool-name should contain only alphanumeric characters');
}

const VM_SET_TYPES = ['VirtualMachineScaleSets', 'AvailabilitySet', 'VirtualMachines'];

export function normaliseVmSetType(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const hit = VM_SET_TYPES.find((t) => t.toLowerCase() === v.toLowerCase());
  if (!hit) throw new UserError('InvalidArgumentValueError', '--vm-set-type can only be VirtualMachineScaleSets, AvailabilitySet or VirtualMachines(Preview)');
  return hit;
}

export function validateMaxSurge(v: string | undefined): void {
  if (v === undefined) return;
  const n = v.endsWith('%') ? v.slice(0, -1) : v;
  if (!/^[-+]?\d+$/.test(n.trim())) throw new UserError('InvalidArgumentValueError', '--max-surge should be an int or percentage');
  if (Number(n) < 0) throw new UserError('InvalidArgumentValueError', '--max-surge must be positive');
}

/** `--labels a=b c=d` → {a: b, c: d} (az: "Label definition must be of format name=value"). */
export function parseLabels(items: readonly string[] | undefined): Record<string, string> | undefined {
  if (!items) return undefined;
  const out: Record<string, string> = {};
  for (const item of items.flatMap((i) => i.split(/\s+/)).filter(Boolean)) {
    const kv = item.split('=');
    if (kv.length !== 2) throw new UserError('InvalidArgumentValueError', `Invalid label: ${item}. Label definition must be of format name=value.`);
    out[kv[0]!] = kv[1]!;
  }
  return out;
}

/** `--node-taints "k=v:NoSchedule,k2=v2:NoExecute"` → list (az: validate_nodepool_taints). */
export function parseTaints(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  if (v.trim() === '') return [];
  const taints = v.split(',').map((t) => t.trim());
  for (const t of taints) {
    if (!/^[^=:\s]+(=[^:\s]*)?:(NoSchedule|PreferNoSchedule|NoExecute)$/.test(t)) {
      throw new UserError('InvalidArgumentValueError', 'Taint does not match allowed values. Expect value such as "special=true:NoSchedule".');
    }
  }
  return taints;
}

export function exclusive(a: Readonly<Record<string, unknown>>, on: string, off: string, onFlag: string, offFlag: string): void {
  if (a[on] && a[off]) throw new UserError('MutuallyExclusiveArgumentError', `Cannot specify "${onFlag}" and "${offFlag}" at the same time`);
}
