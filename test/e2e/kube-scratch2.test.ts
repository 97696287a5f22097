import { it } from 'vitest';
import { spawn } from 'node:child_process';
import { armRequest, startServer, waitFor } from '../support/server.js';
import { registerTrustedLaunch, createCluster, userKubeconfig, kubectl, mcPath, V, putPool } from '../support/kube.js';
it('explore watch', async () => {
  const s = await startServer({ env: { TL_TIMING_OVERRIDES: JSON.stringify({ vmReimageMs: 300, vmBootMs: 200 }) } });
  try {
    await registerTrustedLaunch(s);
    await createCluster(s, 'rg', 'c', [{ name: 'nodepool1', count: 1 }, { name: 'mynodepool', count: 3, enableVTPM: true, enableSecureBoot: true, maxSurge: '1' }]);
    const k = kubectl(await userKubeconfig(s, 'rg', 'c'));
    console.log((await k.run(['apply', '-f', '/tmp/k9/pod-quoted.yaml'])).stdout);
    await waitFor(async () => (await k.run(['get', 'pod', 'web', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', 'running');
    const w = spawn('kubectl', ['--kubeconfig', k.kubeconfigPath, 'get', 'pods', '-o', 'wide', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    w.stdout.on('data', (d) => (out += d));
    w.stderr.on('data', (d) => (out += d));
    await waitFor(async () => out.includes('web'), 'watch started');
    const r = await armRequest(s, 'PUT', `${mcPath(s, 'rg', 'c')}/agentPools/mynodepool?${V}`, { properties: { count: 3, vmSize: 'Standard_DS2_v2', mode: 'User', securityProfile: { enableVTPM: true, enableSecureBoot: false }, upgradeSettings: { maxSurge: '1' } } });
    console.log(r.status);
    await waitFor(async () => (await armRequest(s, 'GET', `${mcPath(s, 'rg', 'c')}/agentPools/mynodepool?${V}`)).json.properties.provisioningState === 'Succeeded', 'updated', 60000);
    await new Promise((res) => setTimeout(res, 1500));
    w.kill();
    console.log(out);
    console.log((await k.run(['describe', 'pod', 'web'])).stdout.split('Events:')[1]);
    console.log((await k.run(['get', 'nodes', '-L', 'kubernetes.azure.com/secure-boot'])).stdout);
  } finally { await s.stop(); console.log(s.logs().slice(-2000)); }
}, 120000);
