/**
 * Where AKS resources live and which api-version the CLI speaks: core az's (2024-08-01) or,
 * while aks-preview is added, the preview version that extension vendors (client/extensions.ts).
 */
import { loadConfig } from '../client/config.js';
import { findExtension } from '../client/extensions.js';
import { API } from '../client/versions.js';
import type { Context } from '../framework/types.js';
import type { ArmClient } from '../client/arm.js';

export function aksApiVersion(ctx: Context): string {
  const v = loadConfig(ctx.io).extensions?.['aks-preview']?.version;
  const known = v ? findExtension('aks-preview')?.versions.find((x) => x.version === v) : undefined;
  return known?.aksApiVersion ?? API.aksCore;
}

/** Does this api-version carry `gpuProfile.driver` (newer) or `gpuProfile.installGPUDriver` (early previews)? */
export function gpuDriverField(apiVersion: string): 'driver' | 'installGPUDriver' {
  return apiVersion.slice(0, 10) >= '2025-05-01' ? 'driver' : 'installGPUDriver';
}

const enc = encodeURIComponent;

export const clusterPath = (arm: ArmClient, rg: string, name: string) =>
  arm.sub(`/resourceGroups/${enc(rg)}/providers/Microsoft.ContainerService/managedClusters/${enc(name)}`);

export const poolsPath = (arm: ArmClient, rg: string, cluster: string) => `${clusterPath(arm, rg, cluster)}/agentPools`;

export const poolPath = (arm: ArmClient, rg: string, cluster: string, pool: string) => `${poolsPath(arm, rg, cluster)}/${enc(pool)}`;
