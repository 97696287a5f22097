/**
 * Kubernetes versions the platform offers (GET …/locations/{loc}/kubernetesVersions).
 *
 * 1.24 is offered on purpose: the document's "Kubernetes ≥ 1.25.2" rule must then be a Trusted
 * Launch rule on a version the platform otherwise accepts, not an unknown-version error.
 */

export interface MinorVersion {
  readonly version: string; // "1.33"
  readonly patches: readonly string[]; // ascending
  readonly isPreview?: boolean;
  readonly isDefault?: boolean;
  /** AKS support plans: KubernetesOfficial, AKSLongTermSupport. */
  readonly supportPlan: readonly string[];
}

const VERSIONS: readonly MinorVersion[] = [
  { version: '1.24', patches: ['1.24.9', '1.24.10'], supportPlan: ['AKSLongTermSupport'] },
  { version: '1.25', patches: ['1.25.2', '1.25.6', '1.25.15'], supportPlan: ['AKSLongTermSupport'] },
  { version: '1.26', patches: ['1.26.6', '1.26.15'], supportPlan: ['AKSLongTermSupport'] },
  { version: '1.27', patches: ['1.27.9', '1.27.16'], supportPlan: ['AKSLongTermSupport'] },
  { version: '1.28', patches: ['1.28.15'], supportPlan: ['AKSLongTermSupport'] },
  { version: '1.29', patches: ['1.29.15'], supportPlan: ['AKSLongTermSupport'] },
  { version: '1.30', patches: ['1.30.14'], supportPlan: ['KubernetesOfficial', 'AKSLongTermSupport'] },
  { version: '1.31', patches: ['1.31.10', '1.31.13'], supportPlan: ['KubernetesOfficial', 'AKSLongTermSupport'] },
  { version: '1.32', patches: ['1.32.6', '1.32.9'], supportPlan: ['KubernetesOfficial', 'AKSLongTermSupport'] },
  { version: '1.33', patches: ['1.33.2', '1.33.5'], supportPlan: ['KubernetesOfficial'], isDefault: true },
  { version: '1.34', patches: ['1.34.1'], supportPlan: ['KubernetesOfficial'] },
  { version: '1.35', patches: ['1.35.0'], supportPlan: ['KubernetesOfficial'], isPreview: true },
];

export function kubernetesVersions(): readonly MinorVersion[] {
  return VERSIONS;
}

/** Compare dotted versions numerically ("1.25.10" > "1.25.2"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The default version's latest patch. */
export function defaultKubernetesVersion(): string {
  const d = VERSIONS.find((v) => v.isDefault)!;
  return d.patches[d.patches.length - 1]!;
}

/**
 * Resolve a requested version ("1.33" → latest 1.33 patch; "1.33.2" → itself) or undefined when
 * it is not offered. AKS accepts major.minor and major.minor.patch.
 */
export function resolveKubernetesVersion(requested: string): string | undefined {
  const m = requested.match(/^(\d+)\.(\d+)(?:\.(\d+))?$/);
  if (!m) return undefined;
  const minor = VERSIONS.find((v) => v.version === `${m[1]}.${m[2]}`);
  if (!minor) return undefined;
  if (m[3] === undefined) return minor.patches[minor.patches.length - 1];
  return minor.patches.includes(requested) ? requested : undefined;
}

/** Patch versions a given patch can upgrade to: later patches of its minor and the next minor's patches. */
export function upgradesFor(patch: string): string[] {
  const [maj, min] = patch.split('.').map(Number) as [number, number];
  return VERSIONS.filter((v) => v.version === `${maj}.${min}` || v.version === `${maj}.${min + 1}`)
    .flatMap((v) => v.patches)
    .filter((p) => compareVersions(p, patch) > 0);
}
