/**
 * The versions `tl` presents and the api-versions it sends, per namespace, as the az it stands
 * in for would: azure-cli 2.65.0 core (before 2.66.0 moved the Trusted Launch flags into core,
 * so without aks-preview they are unknown, as the document assumes), Microsoft.Features
 * 2021-07-01, Microsoft.Resources 2025-04-01, subscriptions 2022-12-01, Compute 2024-07-01.
 * AKS uses 2024-08-01 in core and the extension's preview api-version when aks-preview is added.
 */
export const TL_VERSION = '0.1.0';
export const AZ_CLI_VERSION = '2.65.0';
export const AZ_TELEMETRY_VERSION = '1.1.0';
export const USER_AGENT = `AZURECLI/${AZ_CLI_VERSION} (tl/${TL_VERSION}) node/${process.versions.node}`;

export const API = {
  subscriptions: '2022-12-01',
  resources: '2025-04-01',
  features: '2021-07-01',
  compute: '2024-07-01',
  /** Microsoft.ContainerService without aks-preview. */
  aksCore: '2024-08-01',
} as const;
