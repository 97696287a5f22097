/**
 * `az feature unregister` through the CLI against a real server: the registered preview feature
 * goes Unregistering → Unregistered, az's propagation warning is printed, and once the provider is
 * registered again the Trusted Launch flags are refused as before registration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, prepareTrustedLaunch, tl, type CliEnv } from '../support/cli.js';
import { startServer, waitFor, type TestServer } from '../support/server.js';

let server: TestServer;
let env: CliEnv;

beforeAll(async () => {
  server = await startServer();
  env = cliEnv(server);
  await prepareTrustedLaunch(env);
  expect((await tl(env, 'group create --name rg --location eastus -o none')).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const state = async () => (await tl(env, 'feature show --namespace Microsoft.ContainerService --name TrustedLaunchPreview --query properties.state -o tsv')).stdout.trim();

describe('feature unregister', () => {
  it('goes Unregistering → Unregistered with az\'s warning, and Trusted Launch is refused once propagated', async () => {
    const un = await tl(env, 'feature unregister --namespace Microsoft.ContainerService --name TrustedLaunchPreview');
    expect(un.code, un.stderr).toBe(0);
    expect(un.json).toMatchObject({ name: 'Microsoft.ContainerService/TrustedLaunchPreview', properties: { state: 'Unregistering' }, type: 'Microsoft.Features/providers/features' });
    expect(un.stderr).toBe("WARNING: Once the feature 'TrustedLaunchPreview' is unregistered, invoking 'tl provider register -n Microsoft.ContainerService' is required to get the change propagated\n");
    await waitFor(async () => (await state()) === 'Unregistered', 'the feature to be Unregistered');
    expect((await tl(env, 'provider register --namespace Microsoft.ContainerService --wait')).code).toBe(0);
    const refused = await tl(env, 'aks create --resource-group rg --name c --node-count 1 --enable-vtpm --no-ssh-key');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/\(SubscriptionNotRegisteredForFeature\) Feature Microsoft\.ContainerService\/TrustedLaunchPreview is not enabled/);
    expect((await tl(env, 'aks list -g rg')).json).toEqual([]);
  });
});
