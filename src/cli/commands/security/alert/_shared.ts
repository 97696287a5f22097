/** What the `tl security alert` commands share: az's flattened alert objects and table rows. */
type O = Record<string, unknown>;

export const ALERTS_API = '2022-01-01';

export function alertOut(r: unknown): O {
  const o = (r ?? {}) as { id?: string; properties?: O } & O;
  const { properties, ...rest } = o;
  const rg = (o.id ?? '').match(/\/resourceGroups\/([^/]+)\//i)?.[1];
  return { ...rest, ...(properties ?? {}), ...(rg ? { resourceGroup: rg } : {}) };
}

export const alertRow = (r: unknown) => {
  const a = r as O & { failingComponents?: string[] };
  return {
    Name: a.name ?? null,
    DisplayName: a.alertDisplayName ?? null,
    Severity: a.severity ?? null,
    Status: a.status ?? null,
    CompromisedEntity: a.compromisedEntity ?? null,
    FailingComponents: (a.failingComponents ?? []).join(', '),
    StartTime: a.startTimeUtc ?? null,
  };
};
