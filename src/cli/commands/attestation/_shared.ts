/**
 * What the `tl attestation` commands share (a `_` file: not a command). The server's routes are
 * the cluster's TrustedLaunch.Platform extension resources (src/api/arm/routes/attestation.ts),
 * api-version 2026-11-01; results are printed with `properties` flattened, as az prints
 * flattened SDK models.
 */
import type { ArmClient } from '../../client/arm.js';
import type { ArgSpec } from '../../framework/types.js';

export const PLATFORM_API = '2026-11-01';

export const CLUSTER: ArgSpec = { names: ['--cluster-name'], required: true, help: 'The cluster name.' };

export function clusterPath(arm: ArmClient, rg: string, cluster: string): string {
  return arm.sub(`/resourceGroups/${encodeURIComponent(rg)}/providers/Microsoft.ContainerService/managedClusters/${encodeURIComponent(cluster)}`);
}

/** `{id, name, type, properties: {…}}` → `{id, name, type, …}`. */
export function flatten(r: unknown): Record<string, unknown> {
  const o = (r ?? {}) as { properties?: Record<string, unknown> } & Record<string, unknown>;
  const { properties, ...rest } = o;
  return { ...rest, ...(properties ?? {}) };
}

type O = Record<string, unknown>;

/** `-o table` rows for `attestation list`. */
export const attestationRow = (r: unknown) => {
  const a = r as O & { findings?: { component: string; suppressed?: boolean }[]; securityProfile?: { secureBootEnabled?: boolean; vTpmEnabled?: boolean } };
  const failing = [...new Set((a.findings ?? []).filter((f) => !f.suppressed).map((f) => f.component))];
  return {
    Node: a.node ?? a.name ?? null,
    AgentPool: a.agentPool ?? null,
    SecureBoot: a.securityProfile?.secureBootEnabled ?? null,
    VTpm: a.securityProfile?.vTpmEnabled ?? null,
    Status: a.status ?? null,
    AttestedAt: a.attestedAt ?? '',
    FailingComponents: failing.join(', '),
  };
};
