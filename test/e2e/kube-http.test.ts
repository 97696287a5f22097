/**
 * The Kubernetes HTTP contract below kubectl: Table columns as kube-apiserver prints them,
 * paging, patch content types, the binding subresource, Status bodies for bad input (fast-check
 * bodies: always a 400/422 Status, nothing stored), and a restart on the same data directory
 * (objects, uids and resourceVersions kept; a pending pod still gets scheduled; watches from
 * before the restart get 410).
 */
import { request } from 'node:https';
import fc from 'fast-check';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster, userKubeconfig } from '../support/kube.js';
import { startServer, waitFor, type TestServer } from '../support/server.js';

let s: TestServer;
let tls: { base: string; cert: string; key: string };

beforeAll(async () => {
  s = await startServer();
  await createCluster(s, 'rg', 'c', [{ name: 'nodepool1', count: 2 }]);
  await login();
});

afterAll(async () => {
  await s?.stop();
});

async function login(): Promise<void> {
  const cfg = parse(await userKubeconfig(s, 'rg', 'c'));
  tls = {
    base: cfg.clusters[0].cluster.server,
    cert: Buffer.from(cfg.users[0].user['client-certificate-data'], 'base64').toString(),
    key: Buffer.from(cfg.users[0].user['client-key-data'], 'base64').toString(),
  };
}

function kube(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; json: any }> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((res, rej) => {
    const req = request(`${tls.base}${path}`, { method, ca: s.ca, cert: tls.cert, key: tls.key, headers: { accept: 'application/json', ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } }, (r) => {
      let t = '';
      r.on('data', (d) => (t += d));
      r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, json: t ? JSON.parse(t) : undefined }));
    });
    req.on('error', rej);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const pod = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...extra } });

describe('the Kubernetes HTTP contract', () => {
  it("prints nodes and pods with kube-apiserver's Table columns", async () => {
    const nodes = await kube('GET', '/api/v1/nodes', undefined, { accept: TABLE });
    expect(nodes.json.columnDefinitions.map((c: any) => `${c.name}:${c.type}:${c.priority}`)).toEqual([
      'Name:string:0', 'Status:string:0', 'Roles:string:0', 'Age:string:0', 'Version:string:0', 'Internal-IP:string:1', 'External-IP:string:1', 'OS-Image:string:1', 'Kernel-Version:string:1', 'Container-Runtime:string:1',
    ]);
    expect(nodes.json.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: expect.stringMatching(/vmss000000$/), labels: expect.objectContaining({ 'kubernetes.azure.com/agentpool': 'nodepool1' }) } });
    const pods = await kube('GET', '/api/v1/namespaces/default/pods', undefined, { accept: TABLE });
    expect(pods.json.columnDefinitions.map((c: any) => `${c.name}:${c.priority}`)).toEqual(['Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1']);
  });

  it('pages with limit and continue, in name order', async () => {
    const p1 = await kube('GET', '/api/v1/nodes?limit=1');
    expect([p1.json.kind, p1.json.items.length, p1.json.metadata.remainingItemCount]).toEqual(['NodeList', 1, 1]);
    expect(p1.json.items[0].kind).toBeUndefined();
    const p2 = await kube('GET', `/api/v1/nodes?limit=1&continue=${encodeURIComponent(p1.json.metadata.continue)}`);
    expect(p2.json.items[0].metadata.name > p1.json.items[0].metadata.name).toBe(true);
    expect(p2.json.metadata.continue).toBeUndefined();
  });

  it('patches with JSON patch and merge patch, refuses other content types, and answers 409 to a duplicate create', async () => {
    expect((await kube('POST', '/api/v1/namespaces/default/pods', pod('p'))).status).toBe(201);
    const dup = await kube('POST', '/api/v1/namespaces/default/pods', pod('p'));
    expect(dup).toMatchObject({ status: 409, json: { kind: 'Status', reason: 'AlreadyExists', message: 'pods "p" already exists', details: { name: 'p', kind: 'pods' } } });
    const jp = await kube('PATCH', '/api/v1/namespaces/default/pods/p', [{ op: 'add', path: '/metadata/labels', value: { app: 'web' } }], { 'content-type': 'application/json-patch+json' });
    expect(jp.json.metadata.labels).toEqual({ app: 'web' });
    const mp = await kube('PATCH', '/api/v1/namespaces/default/pods/p', { metadata: { labels: { app: null, tier: 'front' } } }, { 'content-type': 'application/merge-patch+json' });
    expect(mp.json.metadata.labels).toEqual({ tier: 'front' });
    const bad = await kube('PATCH', '/api/v1/namespaces/default/pods/p', { metadata: {} }, { 'content-type': 'application/apply-patch+yaml' });
    expect([bad.status, bad.json.reason]).toEqual([415, 'UnsupportedMediaType']);
    const failedTest = await kube('PATCH', '/api/v1/namespaces/default/pods/p', [{ op: 'test', path: '/metadata/name', value: 'q' }], { 'content-type': 'application/json-patch+json' });
    expect([failedTest.status, failedTest.json.reason]).toEqual([422, 'Invalid']);
  });

  it('binds a pod through the binding subresource once', async () => {
    const nodes = (await kube('GET', '/api/v1/nodes')).json.items.map((n: any) => n.metadata.name);
    await kube('POST', '/api/v1/namespaces/default/pods', pod('manual', { schedulerName: 'my-scheduler' }));
    const binding = (node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'manual' }, target: { apiVersion: 'v1', kind: 'Node', name: node } });
    expect((await kube('POST', '/api/v1/namespaces/default/pods/manual/binding', binding(nodes[1]))).status).toBe(201);
    await waitFor(async () => (await kube('GET', '/api/v1/namespaces/default/pods/manual')).json.status.phase === 'Running', 'manual pod Running');
    const again = await kube('POST', '/api/v1/namespaces/default/pods/manual/binding', binding(nodes[0]));
    expect(again).toMatchObject({ status: 409, json: { reason: 'Conflict', message: `Operation cannot be fulfilled on pods/binding "manual": pod manual is already assigned to node "${nodes[1]}"` } });
  });

  it('answers any request body with 201, or a 400/422 Status, and stores nothing it refused', async () => {
    const before = (await kube('GET', '/api/v1/namespaces/default/pods')).json.items.length;
    let created = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Pod'), metadata: fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/) }), spec: fc.jsonValue() }).map((v) => JSON.stringify(v)),
        ),
        async (body) => {
          const r = await kube('POST', '/api/v1/namespaces/default/pods?fieldValidation=Strict', body);
          if (r.status === 201) {
            created++;
            return;
          }
          expect([400, 409, 422]).toContain(r.status);
          expect(r.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: r.status });
        },
      ),
      { numRuns: 150 },
    );
    expect((await kube('GET', '/api/v1/namespaces/default/pods')).json.items.length).toBe(before + created);
  });

  it('answers any patch or replacement of a pod and a node with 200 or a 4xx Status', async () => {
    const node = (await kube('GET', '/api/v1/nodes')).json.items[0].metadata.name;
    const types = ['application/strategic-merge-patch+json', 'application/merge-patch+json', 'application/json-patch+json'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(`/api/v1/namespaces/default/pods/p`, `/api/v1/nodes/${node}`), fc.constantFrom('PATCH', 'PUT'), fc.constantFrom(...types), fc.jsonValue(), async (path, method, type, body) => {
        const r = await kube(method, path, JSON.stringify(body), method === 'PATCH' ? { 'content-type': type } : {});
        expect(r.status === 200 || (r.status >= 400 && r.status < 500)).toBe(true);
        if (r.status !== 200) expect(r.json).toMatchObject({ kind: 'Status', code: r.status });
      }),
      { numRuns: 150 },
    );
    // The node is still a valid node the platform keeps in sync.
    expect((await kube('GET', `/api/v1/nodes/${node}`)).json.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
  });

  it('keeps every object across a restart; a pod pending before it is scheduled after it; old watches get 410', async () => {
    await kube('POST', '/api/v1/namespaces/default/pods', pod('later', { nodeSelector: { team: 'blue' } }));
    const before = (await kube('GET', '/api/v1/namespaces/default/pods/p')).json;
    const nodesBefore = (await kube('GET', '/api/v1/nodes')).json.items.map((n: any) => [n.metadata.name, n.metadata.uid]);
    await s.stop();
    s = await startServer({ dataDir: s.dataDir });
    await login();
    const after = (await kube('GET', '/api/v1/namespaces/default/pods/p')).json;
    expect([after.metadata.uid, after.metadata.resourceVersion, after.status.phase]).toEqual([before.metadata.uid, before.metadata.resourceVersion, 'Running']);
    expect((await kube('GET', '/api/v1/nodes')).json.items.map((n: any) => [n.metadata.name, n.metadata.uid])).toEqual(nodesBefore);
    const watch = await kube('GET', `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${before.metadata.resourceVersion}`);
    expect(watch).toMatchObject({ status: 410, json: { reason: 'Expired', message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/) } });
    const node = nodesBefore[0][0];
    await kube('PATCH', `/api/v1/nodes/${node}`, { metadata: { labels: { team: 'blue' } } }, { 'content-type': 'application/merge-patch+json' });
    await waitFor(async () => (await kube('GET', '/api/v1/namespaces/default/pods/later')).json.spec.nodeName === node, 'pending pod scheduled after the restart');
  });
});
