/**
 * Each cluster's credentials open that cluster only: another cluster's kubeconfig is refused
 * with 403 as RBAC words it, a missing or untrusted client certificate with 401 (kubectl: "You must be
 * logged in to the server"), and errors are metav1.Status bodies.
 */
import { request } from 'node:https';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueLeaf, loadCa } from '../../src/api/tls.js';
import { createCluster, kubectl, userKubeconfig } from '../support/kube.js';
import { startServer, type TestServer } from '../support/server.js';

let s: TestServer;
let cfgA: string;
let cfgB: string;

beforeAll(async () => {
  s = await startServer();
  await createCluster(s, 'rg', 'a', [{ name: 'nodepool1', count: 1 }]);
  await createCluster(s, 'rg', 'b', [{ name: 'nodepool1', count: 1 }]);
  cfgA = await userKubeconfig(s, 'rg', 'a');
  cfgB = await userKubeconfig(s, 'rg', 'b');
});

afterAll(async () => {
  await s?.stop();
});

/** Cluster B's server URL with cluster A's user: the situation of a leaked or mixed-up kubeconfig. */
function crossed(): string {
  const a = parse(cfgA);
  const b = parse(cfgB);
  a.clusters[0].cluster.server = b.clusters[0].cluster.server;
  return stringify(a);
}

function raw(url: string, o: { cert?: string; key?: string } = {}): Promise<{ status: number; body: any }> {
  return new Promise((res, rej) => {
    const req = request(url, { ca: s.ca, ...(o.cert ? { cert: o.cert, key: o.key } : {}), headers: { accept: 'application/json' } }, (r) => {
      let t = '';
      r.on('data', (d) => (t += d));
      r.on('end', () => res({ status: r.statusCode ?? 0, body: JSON.parse(t) }));
    });
    req.on('error', rej);
    req.end();
  });
}

describe('credentials are bound to their cluster', () => {
  it("opens the cluster the kubeconfig was issued for, admin credentials included", async () => {
    expect((await kubectl(cfgA).run(['get', 'nodes'])).code).toBe(0);
    const admin = kubectl(await userKubeconfig(s, 'rg', 'a', true));
    expect((await admin.run(['config', 'current-context'])).stdout).toBe('a-admin\n');
    expect((await admin.run(['get', 'nodes', '-o', 'name'])).stdout).toMatch(/^node\/aks-nodepool1-\d{8}-vmss000000\n$/);
  });

  it("refuses another cluster's certificate with 403 Forbidden", async () => {
    const r = await kubectl(crossed()).run(['get', 'nodes']);
    expect(r.code).toBe(1);
    // Discovery stays readable (RBAC's system:discovery); the objects do not.
    expect(r.stderr).toBe('Error from server (Forbidden): nodes is forbidden: User "clusterUser" cannot list resource "nodes" in API group "" at the cluster scope\n');
    const a = parse(cfgA);
    const user = a.users[0].user;
    const url = `${parse(cfgB).clusters[0].cluster.server}/api/v1/namespaces/default/pods`;
    const res = await raw(url, { cert: Buffer.from(user['client-certificate-data'], 'base64').toString(), key: Buffer.from(user['client-key-data'], 'base64').toString() });
    expect(res).toEqual({
      status: 403,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods is forbidden: User "clusterUser" cannot list resource "pods" in API group "" in the namespace "default"', reason: 'Forbidden', details: { kind: 'pods' }, code: 403 },
    });
  });

  it('refuses a request without a client certificate, or with one from another CA, with 401', async () => {
    const url = `${parse(cfgA).clusters[0].cluster.server}/api/v1/nodes`;
    const unauthorized = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };
    expect(await raw(url)).toEqual({ status: 401, body: unauthorized });
    // A certificate with the right subject, signed by a CA the platform does not trust.
    const rogue = createCa('Rogue CA');
    const uid = parse(cfgA).clusters[0].cluster.server.split('/').pop();
    const leaf = issueLeaf(loadCa(rogue.certPem, rogue.keyPem), { subject: [['O', `cluster:${uid}`], ['O', 'system:masters'], ['CN', 'masterclient']], client: true });
    expect(await raw(url, { cert: leaf.certPem, key: leaf.keyPem })).toEqual({ status: 401, body: unauthorized });
    // kubectl words it as it does for a real API server.
    const a = parse(cfgA);
    a.users[0].user['client-certificate-data'] = Buffer.from(leaf.certPem).toString('base64');
    a.users[0].user['client-key-data'] = Buffer.from(leaf.keyPem).toString('base64');
    const r = await kubectl(stringify(a)).run(['get', 'nodes']);
    // kubectl's discovery reads the 401 body raw and words it generically, as with a real API server.
    expect(r.stderr).toContain('error: You must be logged in to the server (the server has asked for the client to provide credentials)');
  });

  it('answers unknown paths and resources with the API server\'s NotFound Status', async () => {
    const a = parse(cfgA);
    const user = a.users[0].user;
    const tls = { cert: Buffer.from(user['client-certificate-data'], 'base64').toString(), key: Buffer.from(user['client-key-data'], 'base64').toString() };
    const base = a.clusters[0].cluster.server;
    const notFound = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 };
    expect(await raw(`${base}/api/v1/deployments`, tls)).toEqual({ status: 404, body: notFound });
    expect(await raw(`${base}/apis/apps/v1`, tls)).toEqual({ status: 404, body: notFound });
    expect(await raw(`${base}/api/v1/namespaces/default/pods/nope`, tls)).toEqual({
      status: 404,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "nope" not found', reason: 'NotFound', details: { name: 'nope', kind: 'pods' }, code: 404 },
    });
  });
});
