/**
 * The document's Kubernetes steps with the real kubectl (1.32): get-credentials, nodes and their
 * Trusted Launch labels, the document's manifests (quoted, and as written: refused with a hint),
 * pods placed on Secure Boot nodes, describe, reserved labels refused, cordon and drain, and
 * `kubectl get pods -w` seeing a Secure Boot pod move during `--disable-secure-boot` and then stay
 * Pending with kube-scheduler's FailedScheduling event.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster, kubectl, registerTrustedLaunch, userKubeconfig, type Kubectl } from '../support/kube.js';
import { cliEnv, tl, type CliEnv } from '../support/cli.js';
import { startServer, waitFor, type TestServer } from '../support/server.js';

let s: TestServer;
let env: CliEnv;
let k: Kubectl;
let dir: string;

// The document's node selectors, as its manifests write them (unquoted) and quoted.
const manifest = (name: string, key: string, quoted: boolean) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: web
    image: nginx:1.27
  nodeSelector:
        ${key}: ${quoted ? '"true"' : 'true'}
`;

beforeAll(async () => {
  // Slow enough reimages that each step of the rollout is visible to the watch below.
  s = await startServer({ env: { TL_TIMING_OVERRIDES: JSON.stringify({ vmReimageMs: 250, vmBootMs: 150 }) } });
  await registerTrustedLaunch(s);
  await createCluster(s, 'myResourceGroup', 'myAKSCluster', [
    { name: 'nodepool1', count: 1 },
    { name: 'vtpmpool', count: 1, enableVTPM: true },
    { name: 'mynodepool', count: 3, enableVTPM: true, enableSecureBoot: true, maxSurge: '1' },
  ]);
  // kubectl reads the kubeconfig `az aks get-credentials` merged into ~/.kube/config, as the document's user does.
  env = cliEnv(s);
  // The preview flags (--disable-secure-boot) come with the aks-preview extension, as in the document.
  if ((await tl(env, 'extension add --name aks-preview')).code !== 0) throw new Error('extension add failed');
  const cred = await tl(env, 'aks get-credentials --resource-group myResourceGroup --name myAKSCluster');
  if (cred.code !== 0) throw new Error(`get-credentials: ${cred.stderr}`);
  k = kubectl(readFileSync(join(env.home, '.kube', 'config'), 'utf8'));
  dir = join(k.kubeconfigPath, '..');
  for (const [file, key, quoted] of [
    ['sb.yaml', 'kubernetes.azure.com/secure-boot', true],
    ['vtpm.yaml', 'kubernetes.azure.com/trusted-launch', true],
    ['sb-unquoted.yaml', 'kubernetes.azure.com/secure-boot', false],
  ] as const) {
    writeFileSync(join(dir, file), manifest(file.startsWith('vtpm') ? 'vtpm' : file.includes('unquoted') ? 'sb-unquoted' : 'sb', key, quoted));
  }
});

afterAll(async () => {
  await s?.stop();
});

const ok = async (args: string[]) => {
  const r = await k.run(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} → ${r.code}\n${r.stderr}`);
  return r.stdout;
};
const table = (out: string) => out.trim().split('\n').slice(1).map((l) => l.split(/\s{2,}/));

describe('kubectl against the cluster', () => {
  it('get-credentials gives a kubeconfig named as AKS names it: the one merged into ~/.kube/config is listClusterUserCredential\'s', async () => {
    const cfg = parse(readFileSync(join(env.home, '.kube', 'config'), 'utf8'));
    const arm = parse(await userKubeconfig(s, 'myResourceGroup', 'myAKSCluster'));
    // (each credential call issues its own client certificate: the user entries share their name only)
    expect([cfg.clusters, cfg.contexts, cfg.users.map((u: { name: string }) => u.name)]).toEqual([arm.clusters, arm.contexts, arm.users.map((u: { name: string }) => u.name)]);
    expect(cfg['current-context']).toBe('myAKSCluster');
    expect(cfg.users[0].name).toBe('clusterUser_myResourceGroup_myAKSCluster');
    expect(cfg.clusters[0].cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/clusters\/[0-9a-z]{24}$/);
    expect(await ok(['config', 'current-context'])).toBe('myAKSCluster\n');
  });

  it('lists the nodes with their AKS and Trusted Launch labels, and selects Secure Boot nodes', async () => {
    const nodes = table(await ok(['get', 'nodes']));
    expect(nodes).toHaveLength(5);
    expect(nodes.every((n) => /^aks-(nodepool1|vtpmpool|mynodepool)-\d{8}-vmss00000\d$/.test(n[0]!) && n[1] === 'Ready' && n[2] === 'agent' && /^v1\.\d+\.\d+$/.test(n[4]!))).toBe(true);
    const labels = await ok(['get', 'nodes', '--show-labels', '-l', 'kubernetes.azure.com/agentpool=mynodepool']);
    for (const l of ['kubernetes.azure.com/secure-boot=true', 'kubernetes.azure.com/trusted-launch=true', 'kubernetes.azure.com/security-type=TrustedLaunch', 'kubernetes.azure.com/node-image-version=AKSUbuntu-2204gen2TLcontainerd-']) expect(labels).toContain(l);
    const sb = table(await ok(['get', 'nodes', '-l', 'kubernetes.azure.com/secure-boot=true']));
    expect(sb.map((n) => n[0]!.split('-')[1])).toEqual(['mynodepool', 'mynodepool', 'mynodepool']);
    const vtpm = table(await ok(['get', 'nodes', '-l', 'kubernetes.azure.com/trusted-launch=true', '-L', 'kubernetes.azure.com/secure-boot']));
    expect(vtpm.map((n) => [n[0]!.split('-')[1], n[5] ?? ''])).toEqual([['mynodepool', 'true'], ['mynodepool', 'true'], ['mynodepool', 'true'], ['vtpmpool', '']]);
    const wide = table(await ok(['get', 'nodes', '-o', 'wide']));
    expect(wide[0]!.slice(5)).toEqual([expect.stringMatching(/^10\.224\.0\.\d+$/), '<none>', 'Ubuntu 22.04.5 LTS', expect.stringMatching(/-azure$/), expect.stringMatching(/^containerd:\/\//)]);
  });

  it("applies the document's manifests with the value quoted, and places each pod on a node with the label", async () => {
    expect(await ok(['apply', '-f', join(dir, 'sb.yaml')])).toBe('pod/sb created\n');
    expect(await ok(['apply', '-f', join(dir, 'vtpm.yaml')])).toBe('pod/vtpm created\n');
    await waitFor(async () => table(await ok(['get', 'pods'])).every((p) => p[2] === 'Running'), 'pods Running');
    const pods = Object.fromEntries(table(await ok(['get', 'pods', '-o', 'wide'])).map((p) => [p[0], p]));
    expect(pods.sb![6]).toMatch(/^aks-mynodepool-/);
    expect(pods.vtpm![6]).toMatch(/^aks-(mynodepool|vtpmpool)-/);
    expect(pods.sb![5]).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(await ok(['get', 'node', pods.sb![6]!, '-o', 'jsonpath={.metadata.labels.kubernetes\\.azure\\.com/secure-boot}'])).toBe('true');
    expect(await ok(['apply', '-f', join(dir, 'sb.yaml')])).toBe('pod/sb unchanged\n');
    // An update goes through the strategic merge patch kubectl computes from last-applied-configuration.
    writeFileSync(join(dir, 'sb-v2.yaml'), manifest('sb', 'kubernetes.azure.com/secure-boot', true).replace('nginx:1.27', 'nginx:1.28'));
    expect(await ok(['apply', '-f', join(dir, 'sb-v2.yaml')])).toBe('pod/sb configured\n');
    expect(await ok(['get', 'pod', 'sb', '-o', 'jsonpath={.spec.containers[0].image} {.spec.nodeSelector}'])).toBe('nginx:1.28 {"kubernetes.azure.com/secure-boot":"true"}');
  });

  it('validates fields on the server (kubectl sends fieldValidation=Strict because of the OpenAPI document)', async () => {
    writeFileSync(join(dir, 'typo.yaml'), manifest('typo', 'kubernetes.azure.com/secure-boot', true).replace('image: nginx:1.27', 'image: nginx:1.27\n    imagePulPolicy: Always'));
    const r = await k.run(['apply', '-f', join(dir, 'typo.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePulPolicy"');
    const warned = await k.run(['apply', '--validate=warn', '-f', join(dir, 'typo.yaml')]);
    expect([warned.code, warned.stdout]).toEqual([0, 'pod/typo created\n']);
    expect(warned.stderr).toContain('Warning: unknown field "spec.containers[0].imagePulPolicy"');
    await ok(['delete', 'pod', 'typo']);
  });

  it("refuses the manifest as the document writes it (unquoted true) and says to quote it", async () => {
    const r = await k.run(['apply', '-f', join(dir, 'sb-unquoted.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `Error from server (BadRequest): error when creating "${join(dir, 'sb-unquoted.yaml')}": Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal bool into Go struct field PodSpec.spec.nodeSelector of type string`,
    );
    expect(r.stderr).toContain('quote it, e.g. "true"');
    expect((await k.run(['get', 'pod', 'sb-unquoted'])).stderr).toContain('Error from server (NotFound): pods "sb-unquoted" not found');
  });

  it('creates and deletes a namespace (kubectl sends the Namespace as protobuf)', async () => {
    expect(await ok(['create', 'namespace', 'team'])).toBe('namespace/team created\n');
    expect(table(await ok(['get', 'ns', 'team']))[0]!.slice(0, 2)).toEqual(['team', 'Active']);
    expect(await ok(['delete', 'namespace', 'team'])).toBe('namespace "team" deleted\n');
  });

  it('describes a Trusted Launch node', async () => {
    const node = table(await ok(['get', 'nodes', '-l', 'kubernetes.azure.com/secure-boot=true']))[0]![0]!;
    const d = await ok(['describe', 'node', node]);
    expect(d).toMatch(/^Name:\s+aks-mynodepool-/);
    expect(d).toContain('kubernetes.azure.com/secure-boot=true');
    expect(d).toMatch(/Ready\s+True\s.*KubeletReady\s+kubelet is posting ready status/);
    expect(d).toMatch(/HolderIdentity:\s+aks-mynodepool-/);
    expect(d).toMatch(/ProviderID:\s+azure:\/\/\/subscriptions\/.*\/virtualMachineScaleSets\/aks-mynodepool-\d{8}-vmss\/virtualMachines\/\d/);
    expect(d).toMatch(/Allocatable:\n\s+cpu:\s+1900m/);
  });

  it('refuses changes to reserved labels and accepts the user\'s own', async () => {
    const node = table(await ok(['get', 'nodes', '-l', 'kubernetes.azure.com/agentpool=vtpmpool']))[0]![0]!;
    const r = await k.run(['label', 'node', node, 'kubernetes.azure.com/secure-boot=true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The Node "${node}" is invalid: metadata.labels[kubernetes.azure.com/secure-boot]: Forbidden: label "kubernetes.azure.com/secure-boot" is reserved by AKS`);
    const rm = await k.run(['label', 'node', node, 'kubernetes.azure.com/trusted-launch-']);
    expect(rm.stderr).toContain('metadata.labels[kubernetes.azure.com/trusted-launch]: Forbidden');
    expect(await ok(['label', 'node', node, 'team=payments'])).toBe(`node/${node} labeled\n`);
    expect(await ok(['get', 'node', node, '-o', 'jsonpath={.metadata.labels.team}'])).toBe('payments');
  });

  it('cordons, drains (eviction) and uncordons a node', async () => {
    const node = table(await ok(['get', 'nodes', '-l', 'kubernetes.azure.com/agentpool=vtpmpool']))[0]![0]!;
    await ok(['apply', '-f', join(dir, 'vtpm.yaml')]);
    expect(await ok(['cordon', node])).toBe(`node/${node} cordoned\n`);
    expect(table(await ok(['get', 'node', node]))[0]![1]).toBe('Ready,SchedulingDisabled');
    const drained = await k.run(['drain', node, '--ignore-daemonsets', '--force', '--timeout=30s']);
    expect(drained.code).toBe(0);
    expect(drained.stdout).toContain(`node/${node} drained`);
    expect(table(await ok(['get', 'pods', '-o', 'wide', '--field-selector', `spec.nodeName=${node}`]))).toEqual([]);
    expect(await ok(['uncordon', node])).toBe(`node/${node} uncordoned\n`);
    expect(await ok(['get', 'node', node, '-o', 'jsonpath={.spec.taints}'])).toBe('');
  });

  it('watches the Secure Boot pod move during --disable-secure-boot, then stay Pending with FailedScheduling', async () => {
    await ok(['delete', 'pod', 'vtpm', '--ignore-not-found']);
    const watch = spawn('kubectl', ['--kubeconfig', k.kubeconfigPath, 'get', 'pods', '-o', 'wide', '-w', '--field-selector', 'metadata.name=sb'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watch.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(async () => out.includes('Running'), 'watch shows the running pod');
      // The document's command; like az, it waits for the reimage to finish.
      const update = await tl(env, 'aks nodepool update --resource-group myResourceGroup --cluster-name myAKSCluster --name mynodepool --disable-secure-boot');
      expect(update.code, update.stderr).toBe(0);
      expect(update.json).toMatchObject({ provisioningState: 'Succeeded', securityProfile: { enableSecureBoot: false, enableVtpm: true } });
      await waitFor(async () => (await k.run(['get', 'events', '--field-selector', 'involvedObject.name=sb,reason=FailedScheduling'])).stdout.includes("5 node(s) didn't match"), 'final FailedScheduling');
    } finally {
      watch.kill();
    }
    const rows = out.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
    const nodes = [...new Set(rows.filter((r) => r[2] === 'Running').map((r) => r[6]))];
    expect(nodes.length).toBeGreaterThanOrEqual(2);
    expect(nodes.every((n) => n!.startsWith('aks-mynodepool-'))).toBe(true);
    expect(rows[rows.length - 1]!.slice(1, 3)).toEqual(['0/1', 'Pending']);
    expect(table(await ok(['get', 'pods', 'sb']))[0]!.slice(1, 3)).toEqual(['0/1', 'Pending']);
    const described = await ok(['describe', 'pod', 'sb']);
    expect(described).toMatch(/Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/5 nodes are available: 5 node\(s\) didn't match Pod's node affinity\/selector\. preemption: 0\/5 nodes are available: 5 Preemption is not helpful for scheduling\./);
    expect(table(await ok(['get', 'nodes', '-l', 'kubernetes.azure.com/secure-boot=true']))).toEqual([]);
  });
});
