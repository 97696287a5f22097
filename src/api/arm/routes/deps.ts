/** What the ARM route handlers need from the composition root. */
import type { Platform } from '../../../platform/platform.js';
import type { LroOptions } from '../lro.js';

export interface KubeconfigIssuer {
  /** A kubeconfig (YAML) for one cluster, with a client certificate that opens that cluster only. */
  kubeconfig(o: { clusterName: string; resourceGroup: string; clusterUid: string; admin: boolean; serverUrl: string }): Promise<string>;
}

export interface ArmDeps {
  readonly platform: Platform;
  readonly lro: LroOptions;
  readonly kubeconfigs: KubeconfigIssuer;
}

export const sub = (p: Record<string, string>): string => p.subscriptionId!;
