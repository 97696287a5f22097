/**
 * Helpers for the Kubernetes end-to-end tests: make a cluster through the resource manager,
 * fetch its kubeconfig with listClusterUserCredential (as `az aks get-credentials` / `tl aks
 * get-credentials` do), and run the real kubectl against it with a private kubeconfig file and a
 * fresh discovery cache directory.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { armRequest, waitFor, type TestServer } from './server.js';

export const V = 'api-version=2024-09-01';

export const mcPath = (s: TestServer, rg: string, name: string) => `/subscriptions/${s.profile.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;

/** Register TrustedLaunchPreview and re-register the provider (the document's first steps). */
export async function registerTrustedLaunch(s: TestServer): Promise<void> {
  const sub = `/subscriptions/${s.profile.subscriptionId}`;
  await armRequest(s, 'POST', `${sub}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/TrustedLaunchPreview/register?api-version=2021-07-01`);
  await waitFor(async () => (await armRequest(s, 'GET', `${sub}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/TrustedLaunchPreview?api-version=2021-07-01`)).json?.properties?.state === 'Registered', 'feature Registered');
  await armRequest(s, 'POST', `${sub}/providers/Microsoft.ContainerService/register?api-version=2025-04-01`);
  await waitFor(async () => (await armRequest(s, 'GET', `${sub}/providers/Microsoft.ContainerService?api-version=2025-04-01`)).json?.registrationState === 'Registered', 'provider Registered');
}

export interface PoolSpec {
  name: string;
  count: number;
  mode?: 'System' | 'User';
  vmSize?: string;
  enableVTPM?: boolean;
  enableSecureBoot?: boolean;
  maxSurge?: string;
}

async function waitSucceeded(s: TestServer, path: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      const r = await armRequest(s, 'GET', `${path}?${V}`);
      if (r.json?.properties?.provisioningState === 'Failed') throw new Error(`${path} failed: ${r.text}`);
      return r.json?.properties?.provisioningState === 'Succeeded';
    },
    `${path} Succeeded`,
    timeoutMs,
  );
}

const poolBody = (p: PoolSpec) => ({
  count: p.count,
  mode: p.mode ?? 'User',
  vmSize: p.vmSize ?? 'Standard_DS2_v2',
  securityProfile: { enableVTPM: p.enableVTPM ?? false, enableSecureBoot: p.enableSecureBoot ?? false },
  ...(p.maxSurge ? { upgradeSettings: { maxSurge: p.maxSurge } } : {}),
});

/** A resource group and a cluster whose first pool is the System pool; more pools are added one by one. */
export async function createCluster(s: TestServer, rg: string, name: string, pools: PoolSpec[]): Promise<void> {
  await armRequest(s, 'PUT', `/subscriptions/${s.profile.subscriptionId}/resourcegroups/${rg}?api-version=2025-04-01`, { location: 'eastus' });
  const [first, ...rest] = pools;
  const c = await armRequest(s, 'PUT', `${mcPath(s, rg, name)}?${V}`, { location: 'eastus', properties: { agentPoolProfiles: [{ name: first!.name, ...poolBody({ mode: 'System', ...first! }) }] } });
  if (c.status !== 201) throw new Error(`cluster PUT ${c.status}: ${c.text}`);
  await waitSucceeded(s, mcPath(s, rg, name));
  for (const p of rest) await putPool(s, rg, name, p);
}

export async function putPool(s: TestServer, rg: string, name: string, p: PoolSpec): Promise<void> {
  const r = await armRequest(s, 'PUT', `${mcPath(s, rg, name)}/agentPools/${p.name}?${V}`, { properties: poolBody(p) });
  if (r.status !== 201 && r.status !== 200) throw new Error(`pool PUT ${r.status}: ${r.text}`);
  await waitSucceeded(s, `${mcPath(s, rg, name)}/agentPools/${p.name}`);
}

/** listClusterUserCredential → the decoded kubeconfig YAML. */
export async function userKubeconfig(s: TestServer, rg: string, name: string, admin = false): Promise<string> {
  const r = await armRequest(s, 'POST', `${mcPath(s, rg, name)}/${admin ? 'listClusterAdminCredential' : 'listClusterUserCredential'}?${V}`);
  if (r.status !== 200) throw new Error(`credentials ${r.status}: ${r.text}`);
  return Buffer.from(r.json.kubeconfigs[0].value, 'base64').toString('utf8');
}

export interface Kubectl {
  readonly kubeconfigPath: string;
  run(args: string[], o?: { stdin?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** A kubectl bound to a kubeconfig (written to a private temp file) and a fresh cache directory. */
export function kubectl(kubeconfig: string): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), 'tl-kubectl-'));
  const kubeconfigPath = join(dir, 'config');
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  const cacheDir = join(dir, 'cache');
  return {
    kubeconfigPath,
    run: (args, o = {}) =>
      new Promise((resolve) => {
        const child = execFile(
          'kubectl',
          ['--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir, ...args],
          { env: { ...process.env, KUBECONFIG: kubeconfigPath, HOME: dir }, timeout: o.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 },
          (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
        if (o.stdin !== undefined) child.stdin!.end(o.stdin);
      }),
  };
}
