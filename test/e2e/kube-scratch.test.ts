import { it } from 'vitest';
import { startServer } from '../support/server.js';
import { registerTrustedLaunch, createCluster, userKubeconfig, kubectl } from '../support/kube.js';
it('explore', async () => {
  const s = await startServer();
  try {
    await registerTrustedLaunch(s);
    await createCluster(s, 'myResourceGroup', 'myAKSCluster', [{ name: 'nodepool1', count: 2, enableVTPM: true, enableSecureBoot: true }]);
    const k = kubectl(await userKubeconfig(s, 'myResourceGroup', 'myAKSCluster'));
    for (const args of (process.env.ARGS ? JSON.parse(process.env.ARGS) : [['get', 'nodes'], ['get', 'nodes', '-o', 'wide'], ['get', 'nodes', '--show-labels'], ['get', 'nodes', '-l', 'kubernetes.azure.com/secure-boot=true'], ['get', 'ns'], ['api-resources']])) {
      const r = await k.run(args);
      console.log('$ kubectl', args.join(' '), '→', r.code, '\n' + r.stdout + r.stderr);
    }
  } finally { await s.stop(); console.log(s.logs().slice(-3000)); }
}, 120000);
