/**
 * az's `-o table` transformers for aks (acs `_format.py`), applied to az's output objects.
 * The node pool one asks for `osDiskSizeGB`, which az's output calls `osDiskSizeGb`, so that
 * column is always empty and tabulate leaves it out — a quirk of real az kept here.
 */
type O = Record<string, unknown>;

export const poolRow = (r: unknown) => {
  const p = r as O;
  return { name: p.name ?? null, osType: p.osType ?? null, kubernetesVersion: p.orchestratorVersion ?? null, vmSize: p.vmSize ?? null, osDiskSizeGB: p.osDiskSizeGB ?? null, count: p.count ?? null, maxPods: p.maxPods ?? null, provisioningState: p.provisioningState ?? null, mode: p.mode ?? null };
};

export const clusterRow = (r: unknown) => {
  const c = r as O;
  return {
    name: c.name ?? null,
    location: c.location ?? null,
    resourceGroup: c.resourceGroup ?? null,
    kubernetesVersion: c.kubernetesVersion ?? null,
    currentKubernetesVersion: c.currentKubernetesVersion ?? null,
    provisioningState: c.provisioningState ?? null,
    fqdn: c.fqdn ?? c.privateFqdn ?? null,
  };
};

/** `az aks get-versions -o table`: one row per patch, newest first. */
export function versionsTable(r: unknown): unknown {
  const values = ((r as { values?: O[] }).values ?? []) as { version: string; patchVersions?: Record<string, { upgrades?: string[] }>; capabilities?: { supportPlan?: string[] }; isPreview?: boolean | null }[];
  const rows: { KubernetesVersion: string; Upgrades: string; SupportPlan: string }[] = [];
  for (const v of values) {
    for (const [patch, info] of Object.entries(v.patchVersions ?? {})) {
      const up = info.upgrades ?? [];
      rows.push({ KubernetesVersion: patch + (v.isPreview ? '(preview)' : ''), Upgrades: up.length ? up.join(', ') : 'None available', SupportPlan: (v.capabilities?.supportPlan ?? []).join(', ') });
    }
  }
  const key = (s: string) => s.replace('(preview)', '').split('.').map((n) => n.padStart(5, '0')).join('.');
  return rows.sort((a, b) => (key(a.KubernetesVersion) < key(b.KubernetesVersion) ? 1 : -1));
}
