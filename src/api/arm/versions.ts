/**
 * The api-versions each namespace accepts, and what each Microsoft.ContainerService version
 * carries on the wire (reference/aks-api.md §1.2: `enableVTPM`/`enableSecureBoot` appear in
 * 2023-11-02-preview and every later preview, and in stable from 2024-07-01; `sshAccess` only in
 * previews; the GPU driver switch is `gpuProfile.installGPUDriver` in early previews and
 * `gpuProfile.driver` later — the 2025-10-01 SDK model has `driver`, the 2024-09-01 stable spec
 * has no gpuProfile).
 * The list of AKS versions is the one learn.microsoft.com publishes for managedClusters/agentPools,
 * from 2023-11-02-preview (the first with Trusted Launch) to the newest.
 */

const AKS_VERSIONS = [
  '2023-11-02-preview', '2024-01-01', '2024-01-02-preview', '2024-02-01', '2024-02-02-preview', '2024-03-02-preview',
  '2024-04-02-preview', '2024-05-01', '2024-05-02-preview', '2024-06-02-preview', '2024-07-01', '2024-07-02-preview',
  '2024-08-01', '2024-09-01', '2024-09-02-preview', '2024-10-01', '2024-10-02-preview', '2025-01-01', '2025-01-02-preview',
  '2025-02-01', '2025-02-02-preview', '2025-03-01', '2025-03-02-preview', '2025-04-01', '2025-04-02-preview', '2025-05-01',
  '2025-05-02-preview', '2025-06-02-preview', '2025-07-01', '2025-07-02-preview', '2025-08-01', '2025-08-02-preview',
  '2025-09-01', '2025-09-02-preview', '2025-10-01', '2025-10-02-preview', '2026-01-01', '2026-01-02-preview', '2026-02-01',
  '2026-02-02-preview', '2026-03-01', '2026-03-02-preview', '2026-04-01', '2026-04-02-preview', '2026-05-01',
  '2026-05-02-preview', '2026-06-01', '2026-06-02-preview', '2026-07-01', '2026-07-02-preview', '2026-08-01', '2026-08-02-preview',
];

/** Real api-versions per version table (the route says which table applies). */
export const API_VERSIONS: Record<string, readonly string[]> = {
  containerService: AKS_VERSIONS,
  resources: ['2016-02-01', '2016-07-01', '2016-09-01', '2017-05-10', '2018-02-01', '2018-05-01', '2019-05-01', '2019-05-10', '2019-07-01', '2019-08-01', '2019-10-01', '2020-06-01', '2020-08-01', '2020-10-01', '2021-01-01', '2021-04-01', '2022-09-01', '2023-07-01', '2024-03-01', '2024-07-01', '2024-11-01', '2025-03-01', '2025-04-01'],
  subscriptions: ['2016-06-01', '2019-06-01', '2019-11-01', '2020-01-01', '2021-01-01', '2022-12-01'],
  features: ['2015-12-01', '2021-07-01'],
  /** The platform's own extension namespace (node images, attestation, alerts). */
  platform: ['2026-11-01'],
  /** Microsoft.Security (Defender for Cloud; azure-rest-api-specs security/resource-manager): alerts and assessments. */
  securityAlerts: ['2019-01-01', '2020-01-01', '2021-01-01', '2022-01-01'],
  securityAssessments: ['2019-01-01-preview', '2020-01-01', '2021-06-01'],
  compute: ['2023-03-01', '2023-07-01', '2023-09-01', '2024-03-01', '2024-07-01', '2024-11-01', '2025-02-01', '2025-04-01'],
};

export interface AksWireFeatures {
  readonly trustedLaunch: boolean;
  readonly sshAccess: boolean;
  readonly gpuProfile: 'installGPUDriver' | 'driver' | undefined;
}

/** What an AKS api-version carries for agent pools. */
export function aksFeatures(version: string): AksWireFeatures {
  const preview = version.endsWith('-preview');
  const date = version.slice(0, 10);
  const trustedLaunch = preview ? date >= '2023-11-02' : date >= '2024-07-01';
  const gpuProfile = preview ? (date >= '2025-05-02' ? 'driver' : 'installGPUDriver') : date >= '2025-05-01' ? 'driver' : undefined;
  return { trustedLaunch, sshAccess: preview, gpuProfile };
}
