/**
 * az prints SDK objects, not wire JSON: every property is the camelCase of the Python SDK's
 * snake_case attribute (reference/aks-api.md §3.4), so wire `osDiskSizeGB` prints as
 * `osDiskSizeGb`, `enableVTPM` as `enableVtpm`, `enableFIPS` as `enableFips`. Autorest makes the
 * snake_case name by splitting at case changes and treating a run of capitals as one word;
 * camel-casing it back gives the rule below. Dictionary-typed properties keep their keys (tags,
 * node labels, addon profiles …); models whose `properties` are flattened (ManagedCluster,
 * AgentPool) lose that level, and AgentPool's `type` becomes `agentPoolType`.
 */

/** `osDiskSizeGB` → `osDiskSizeGb`, `nodeOSUpgradeChannel` → `nodeOsUpgradeChannel`. */
export function sdkName(wire: string): string {
  const words = wire.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[A-Z]/g);
  if (!words || words.join('') !== wire) return wire;
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('');
}

/** Dictionaries whose keys are data: keys kept, values converted. */
const DICTS = new Set(['addonProfiles', 'identityProfile', 'userAssignedIdentities', 'patchVersions', 'delegatedResources']);
/** Dictionaries of strings (or free-form data) copied as they are. */
const OPAQUE = new Set(['tags', 'nodeLabels', 'config', 'metadata', 'capabilities']);

export function toSdk(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toSdk);
  if (v === null || typeof v !== 'object') return v;
  // Object.fromEntries defines own properties, so a key such as "__proto__" stays data
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).map(([k, x]): [string, unknown] => {
      if (OPAQUE.has(k)) return [k, x];
      if (DICTS.has(k) && x && typeof x === 'object' && !Array.isArray(x)) return [k, Object.fromEntries(Object.entries(x).map(([dk, dv]) => [dk, toSdk(dv)]))];
      return [sdkName(k), toSdk(x)];
    }),
  );
}

/** ManagedCluster and AgentPool models flatten `properties` (x-ms-client-flatten). */
export function flattenProperties(resource: Record<string, unknown>, o: { agentPool?: boolean } = {}): Record<string, unknown> {
  const { properties, ...top } = resource;
  const props = { ...((properties as Record<string, unknown> | undefined) ?? {}) };
  if (o.agentPool && 'type' in props) {
    props.agentPoolType = props.type;
    delete props.type;
  }
  return { ...top, ...props };
}

/**
 * az adds `resourceGroup` to every object whose `id` names a resource in a group
 * (azure-cli's resource-group transform: `/subscriptions/s/resourceGroups/rg/providers/ns/type/name`).
 */
export function addResourceGroup(v: unknown): unknown {
  if (Array.isArray(v)) {
    v.forEach(addResourceGroup);
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (!('resourceGroup' in o) && typeof o.id === 'string') {
      const parts = o.id.split('/');
      if (parts.length > 8 && parts[3]?.toLowerCase() === 'resourcegroups') o.resourceGroup = parts[4];
    }
    for (const x of Object.values(o)) addResourceGroup(x);
  }
  return v;
}
