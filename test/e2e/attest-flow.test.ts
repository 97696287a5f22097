/**
 * The document's flow ends with attestation: against a real `tl serve`, through the CLI,
 *   - every Secure Boot + vTPM node of `az aks create … --enable-secure-boot --enable-vtpm` attests
 *     Healthy, with an MAA-like token that `jose` verifies with the key the server publishes at
 *     /certs (found through /.well-known/openid-configuration); an altered token is refused;
 *   - Defender-like assessments say Healthy for guest attestation, Secure Boot and vTPM;
 *   - a rootkit that changes the kernel command line (grub.cfg is not signed: Secure Boot lets it
 *     boot) is caught at the next boot: the node attests Unhealthy and a "VM attestation failure"
 *     alert names the kernel command line with the expected and actual values;
 *   - the policy (its hash is in every token) and the quarantine setting are the user's to set; a
 *     policy change re-attests the nodes at once.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, prepareTrustedLaunch, tl, type CliEnv } from '../support/cli.js';
import { armRequest, startServer, waitFor, type TestServer } from '../support/server.js';

let server: TestServer;
let env: CliEnv;
const G = '--resource-group myResourceGroup --cluster-name myAKSCluster';

async function run(line: string): Promise<any> {
  const r = await tl(env, `${line} --only-show-errors`);
  expect(r.code, `${line}\n${r.stderr}`).toBe(0);
  return r.json;
}

async function attestations(): Promise<any[]> {
  return run(`attestation list ${G}`);
}

async function nodeVm(computerName: string): Promise<string> {
  const sub = server.profile.subscriptionId;
  const base = `/subscriptions/${sub}/resourceGroups/MC_myResourceGroup_myAKSCluster_eastus/providers/Microsoft.Compute/virtualMachineScaleSets`;
  for (const s of (await armRequest(server, 'GET', `${base}?api-version=2024-07-01`)).json.value) {
    for (const v of (await armRequest(server, 'GET', `${base}/${s.name}/virtualMachines?api-version=2024-07-01`)).json.value) {
      if (v.properties.osProfile.computerName === computerName) return `${base}/${s.name}/virtualMachines/${v.instanceId}`;
    }
  }
  throw new Error(`no VM ${computerName}`);
}

beforeAll(async () => {
  server = await startServer();
  env = cliEnv(server);
  await prepareTrustedLaunch(env);
  await run('group create --name myResourceGroup --location eastus');
  await run('aks create --name myAKSCluster --resource-group myResourceGroup --node-count 2 --enable-secure-boot --enable-vtpm --enable-managed-identity --no-ssh-key');
  await waitFor(async () => {
    const a = await attestations();
    return a.length === 2 && a.every((x) => ['Healthy', 'Unhealthy', 'PlatformError'].includes(x.status)) && a;
  }, 'every node to be attested', 60_000);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('guest attestation after the document flow', () => {
  it('attests every Secure Boot + vTPM node Healthy, with a token jose verifies with the published key', async () => {
    const list = await attestations();
    expect(list.map((a) => a.status)).toEqual(['Healthy', 'Healthy']);
    const table = await tl(env, `attestation list ${G} -o table`);
    expect(table.stdout.split('\n')[0]).toMatch(/^Node +AgentPool +SecureBoot +VTpm +Status +AttestedAt/);
    const oidc = await armRequest(server, 'GET', '/.well-known/openid-configuration', undefined, { token: null });
    expect(oidc.json).toMatchObject({ issuer: server.url, jwks_uri: `${server.url}/certs`, id_token_signing_alg_values_supported: ['RS256'] });
    const jwks = createLocalJWKSet((await armRequest(server, 'GET', new URL(oidc.json.jwks_uri).pathname, undefined, { token: null })).json);
    const policy = await run(`attestation policy show ${G}`);
    for (const a of list) {
      const show = await run(`attestation show ${G} --node ${a.node}`);
      expect(show.findings).toEqual([]);
      expect(show.steps.map((s: { step: string; ok: boolean }) => `${s.step}:${s.ok}`)).toEqual(['nonce:true', 'ek:true', 'binding:true', 'ak:true', 'quote:true', 'log:true', 'policy:true']);
      const { payload, protectedHeader } = await jwtVerify(show.token, jwks, { issuer: server.url, algorithms: ['RS256'] });
      expect(protectedHeader.jku).toBe(`${server.url}/certs`);
      expect(payload).toMatchObject({
        secureboot: true,
        'x-ms-attestation-type': 'azurevm',
        'x-ms-azurevm-vmid': a.vmId,
        'x-ms-azurevm-dbvalidated': true,
        'x-ms-azurevm-dbxvalidated': true,
        'x-ms-azurevm-default-securebootkeysvalidated': true,
        'x-ms-azurevm-attested-pcrs': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14],
        'x-ms-azurevm-osdistro': 'Ubuntu',
        'x-ms-azurevm-ostype': 'Linux',
        'x-ms-policy-hash': policy.policyHash,
      });
      expect((payload['x-ms-runtime'] as { 'client-payload': { nonce: string } })['client-payload'].nonce).toMatch(/^[\w-]{43}$/);
      expect((payload.exp as number) - (payload.iat as number)).toBe(8 * 3600);
      // An altered token: one claim changed, the signature kept.
      const [h, p, s] = (show.token as string).split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(show.token), secureboot: false })).toString('base64url')}.${s}`;
      expect(p).not.toBe(forged.split('.')[1]);
      await expect(jwtVerify(forged, jwks, { issuer: server.url })).rejects.toThrow(/signature verification failed/);
    }
  });

  it('assesses guest attestation, Secure Boot and vTPM as Healthy', async () => {
    const all = await run('security assessment list');
    const names = new Set(all.map((a: { displayName: string }) => a.displayName));
    expect(names).toEqual(new Set(['Virtual machines guest attestation status should be healthy', 'Secure Boot should be enabled', 'vTPM should be enabled']));
    const mine = all.filter((a: { resourceDetails: { Id: string } }) => a.resourceDetails.Id.includes('MC_myResourceGroup_myAKSCluster_eastus'));
    expect(mine).toHaveLength(6);
    expect(mine.every((a: { status: { code: string } }) => a.status.code === 'Healthy')).toBe(true);
  });

  it('catches a rootkit on the kernel command line at the next boot, with an alert naming it', async () => {
    const [victim] = await attestations();
    const vm = await nodeVm(victim.node);
    expect((await armRequest(server, 'POST', `${vm}/tamper?api-version=2024-07-01`, { component: 'cmdline' })).status).toBe(200);
    expect((await armRequest(server, 'POST', `${vm}/restart?api-version=2024-07-01`)).status).toBe(202);
    const bad = await waitFor(async () => {
      const a = (await attestations()).find((x) => x.node === victim.node);
      return a.status === 'Unhealthy' && a;
    }, 'the tampered node to attest Unhealthy', 30_000);
    expect(bad.findings).toEqual([
      expect.objectContaining({
        id: 'kernel.cmdline_modified',
        component: 'kernel command line',
        expected: expect.stringMatching(/^\/boot\/vmlinuz-5\.15\.0-1079-azure root=PARTUUID=.* ima_policy=tcb$/),
        actual: expect.stringMatching(/ima_policy=tcb init=\/usr\/lib\/\.x\/rk module\.sig_enforce=0$/),
        message: expect.stringContaining('added init=/usr/lib/.x/rk module.sig_enforce=0'),
      }),
    ]);
    const show = await run(`attestation show ${G} --node ${victim.node}`);
    expect(show.token).toBeUndefined();
    expect(show.history.map((h: { status: string }) => h.status).slice(0, 2)).toEqual(['Unhealthy', 'Healthy']);
    const alerts = await waitFor(async () => {
      const l = await run('security alert list');
      return l.length > 0 && l;
    }, 'an alert');
    expect(alerts).toEqual([
      expect.objectContaining({ alertDisplayName: 'VM attestation failure', severity: 'Medium', status: 'Active', compromisedEntity: victim.node, failingComponents: ['kernel command line'], resourceGroup: 'MC_myResourceGroup_myAKSCluster_eastus' }),
    ]);
    const one = await run(`security alert show --location eastus --name ${alerts[0].name}`);
    expect(one.components).toEqual([expect.objectContaining({ component: 'kernel command line', finding: 'kernel.cmdline_modified', source: 'attestation' })]);
    const table = await tl(env, 'security alert list -o table');
    expect(table.stdout).toMatch(/VM attestation failure +Medium +Active/);
    // The alert lives at location eastus in the node resource group: anywhere else it is not found
    // (the Security RP's 404 AlertNotFound), and dismissing, activating or resolving it there changes nothing.
    const name = alerts[0].name;
    const sub = `/subscriptions/${server.profile.subscriptionId}`;
    const Q = '?api-version=2022-01-01';
    const status = async () => {
      const listed = (await run('security alert list')).find((a: { name: string }) => a.name === name).status;
      const inRg = (await run('security alert list --resource-group MC_myResourceGroup_myAKSCluster_eastus')).find((a: { name: string }) => a.name === name).status;
      const shown = (await run(`security alert show --location eastus --name ${name}`)).status;
      const shownInRg = (await run(`security alert show --location eastus --resource-group mc_myresourcegroup_myakscluster_eastus --name ${name}`)).status;
      return [listed, inRg, shown, shownInRg];
    };
    const elsewhere = [`${sub}/providers/Microsoft.Security/locations/westus/alerts/${name}`, `${sub}/resourceGroups/myResourceGroup/providers/Microsoft.Security/locations/eastus/alerts/${name}`, `${sub}/resourceGroups/MC_myResourceGroup_myAKSCluster_eastus/providers/Microsoft.Security/locations/westeurope/alerts/${name}`];
    const refusedElsewhere = async () => {
      for (const path of elsewhere) {
        const get = await armRequest(server, 'GET', `${path}${Q}`);
        expect([get.status, get.json]).toEqual([404, { error: { code: 'AlertNotFound', message: `The alert ${name} could not be found` } }]);
        for (const verb of ['dismiss', 'activate', 'resolve']) {
          const post = await armRequest(server, 'POST', `${path}/${verb}${Q}`);
          expect([post.status, post.json.error.code], `${verb} ${path}`).toEqual([404, 'AlertNotFound']);
        }
      }
    };
    await refusedElsewhere();
    expect(await status()).toEqual(['Active', 'Active', 'Active', 'Active']);
    const cliElsewhere = await tl(env, `security alert show --location westus --name ${name}`);
    expect(cliElsewhere.code).toBe(3); // az: 3 for a resource that is not found
    expect(cliElsewhere.stderr).toMatch(/AlertNotFound/);
    // Alerts_UpdateSubscriptionLevelStateToDismiss, then the list shows it dismissed.
    const dismiss = await armRequest(server, 'POST', `${sub}/providers/Microsoft.Security/locations/eastus/alerts/${name}/dismiss${Q}`);
    expect(dismiss.status).toBe(204);
    expect(await status()).toEqual(['Dismissed', 'Dismissed', 'Dismissed', 'Dismissed']);
    await refusedElsewhere();
    expect(await status()).toEqual(['Dismissed', 'Dismissed', 'Dismissed', 'Dismissed']);
    // …ResourceGroupLevelStateToActivate (the location as a display name: ARM ignores case and spaces), then …ToResolve.
    const activate = await armRequest(server, 'POST', `${sub}/resourceGroups/MC_myResourceGroup_myAKSCluster_eastus/providers/Microsoft.Security/locations/East%20US/alerts/${name}/activate${Q}`);
    expect(activate.status).toBe(204);
    expect(await status()).toEqual(['Active', 'Active', 'Active', 'Active']);
    const resolve = await armRequest(server, 'POST', `${sub}/providers/Microsoft.Security/locations/EastUS/alerts/${name}/resolve${Q}`);
    expect(resolve.status).toBe(204);
    expect(await status()).toEqual(['Resolved', 'Resolved', 'Resolved', 'Resolved']);
    expect((await tl(env, 'security alert list -o table')).stdout).toMatch(/VM attestation failure +Medium +Resolved/);
    const badVersion = await armRequest(server, 'GET', `/subscriptions/${server.profile.subscriptionId}/providers/Microsoft.Security/alerts?api-version=2015-06-01-preview`);
    expect(badVersion.json.error.code).toBe('NoRegisteredProviderFound');
    const assessment = (await run('security assessment list')).find((a: { displayName: string; resourceDetails: { Id: string } }) => a.displayName.startsWith('Virtual machines guest attestation') && a.resourceDetails.Id === vm.replace('resourceGroups', 'resourceGroups'));
    expect(assessment.status).toMatchObject({ code: 'Unhealthy', cause: 'Unhealthy' });
  });

  it('lets the user audit Secure Boot and quarantine nodes; the policy hash follows the policy', async () => {
    const before = await run(`attestation policy show ${G}`);
    expect(before).toMatchObject({ quarantine: false, policy: { version: '1.0', secureBoot: 'require', allowedModules: [], allowedKernelCommandLines: [] } });
    const after = await run(`attestation policy set ${G} --secure-boot audit --quarantine true`);
    expect(after).toMatchObject({ quarantine: true, policy: { secureBoot: 'audit' } });
    expect(after.policyHash).not.toBe(before.policyHash);
    expect(after.policyHash).toMatch(/^[\w-]{43}$/);
    const bad = await tl(env, `attestation policy set ${G} --allow-module nvidia.ko=xyz`);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/InvalidAttestationPolicy.*allowedModules\[0\]\.sha256: must be 64 hex digits/s);
    // The change re-attests the cluster's nodes by itself (no --refresh, long before the 15-minute round).
    const reattested = await waitFor(async () => {
      const a = await attestations();
      return a.every((x) => x.policyHash === after.policyHash) && a;
    }, 'every node to be attested under the new policy', 30_000);
    expect(reattested.map((a) => a.reason)).toEqual(['policy-change', 'policy-change']);
    const [healthy] = reattested.filter((a) => a.status === 'Healthy');
    const refreshed = await run(`attestation show ${G} --node ${healthy.node} --refresh`);
    expect(refreshed).toMatchObject({ status: 'Healthy', reason: 'periodic', policyHash: after.policyHash });
    expect(decodeJwt(refreshed.token)['x-ms-policy-hash']).toBe(after.policyHash);
  });
});
