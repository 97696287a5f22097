/**
 * The tamper matrix (issue 8): every component the chaos face can change (`tl vm tamper`:
 * shim, grub, kernel, module, cmdline, db, dbx) × Secure Boot on/off × vTPM on/off, on a real
 * `tl serve`, through the resource manager (POST …/virtualMachines/{id}/tamper, then /restart):
 *
 *   - Secure Boot on refuses a modified shim, grub or kernel: the boot fails naming the component;
 *   - whatever boots with a vTPM is attested: Unhealthy, with a finding and an alert naming the
 *     component;
 *   - Secure Boot alone refuses an unsigned module (the VM boots; a Low alert names it) but cannot
 *     see a changed command line or firmware database — measured boot can;
 *   - with both off nothing is detected.
 * The cluster's policy audits Secure Boot (`--secure-boot audit`), so that the Secure Boot-off
 * columns show what attestation finds about the component itself; with the default policy those
 * nodes are also Unhealthy for `secureboot.disabled`.
 *
 * The test prints the matrix and checks that README.md shows exactly it (UPDATE_GOLDEN=1 rewrites
 * the block between the markers).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, prepareTrustedLaunch, tl, type CliEnv } from '../support/cli.js';
import { armRequest, REPO, startServer, waitFor, type TestServer } from '../support/server.js';

const COMPONENTS = ['shim', 'grub', 'kernel', 'module', 'cmdline', 'db', 'dbx'] as const;
const POOLS = [
  { name: 'sbvtpm', sb: true, vtpm: true, flags: '--enable-secure-boot --enable-vtpm' },
  { name: 'sbonly', sb: true, vtpm: false, flags: '--enable-secure-boot' },
  { name: 'vtpmonly', sb: false, vtpm: true, flags: '--enable-vtpm' },
  { name: 'neither', sb: false, vtpm: false, flags: '' },
] as const;
const NODE_RG = 'MC_matrix_matrix_eastus';

let server: TestServer;
let env: CliEnv;

interface Cell {
  readonly booted: boolean;
  readonly failure?: string;
  readonly refusedModules: string[];
  readonly status?: string;
  readonly findings: { id: string; component: string }[];
  readonly alerts: { displayName: string; components: string[] }[];
}

async function run(line: string): Promise<any> {
  const r = await tl(env, `${line} --only-show-errors`);
  expect(r.code, `${line}\n${r.stderr}`).toBe(0);
  return r.json;
}

const sub = () => server.profile.subscriptionId;
const vmssBase = () => `/subscriptions/${sub()}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets`;
const api = (path: string) => `${path}?api-version=2024-07-01`;

async function poolVms(pool: string): Promise<{ path: string; name: string }[]> {
  const sets = (await armRequest(server, 'GET', api(vmssBase()))).json.value as { name: string; tags: Record<string, string> }[];
  const vmss = sets.find((s) => s.tags['aks-managed-poolName'] === pool)!.name;
  const vms = (await armRequest(server, 'GET', api(`${vmssBase()}/${vmss}/virtualMachines`))).json.value as { instanceId: string; properties: { osProfile: { computerName: string } } }[];
  return vms.sort((a, b) => Number(a.instanceId) - Number(b.instanceId)).map((v) => ({ path: `${vmssBase()}/${vmss}/virtualMachines/${v.instanceId}`, name: v.properties.osProfile.computerName }));
}

const cells = new Map<string, Cell>();
const key = (pool: string, component: string) => `${pool}/${component}`;

beforeAll(async () => {
  server = await startServer();
  env = cliEnv(server);
  await prepareTrustedLaunch(env);
  await run('group create --name matrix --location eastus');
  await run('aks create --name matrix --resource-group matrix --node-count 1 --no-ssh-key');
  await run('attestation policy set --resource-group matrix --cluster-name matrix --secure-boot audit');
  for (const p of POOLS) await run(`aks nodepool add --resource-group matrix --cluster-name matrix --name ${p.name} --node-count ${COMPONENTS.length + 1} ${p.flags}`);

  // Node 0 of each pool stays as built; node i + 1 gets COMPONENTS[i] tampered, then restarts.
  const ops: { pool: string; component: string; vm: { path: string; name: string }; op: string; before?: string }[] = [];
  const attestations = async () => (await run('attestation list --resource-group matrix --cluster-name matrix')) as { node: string; status: string; bootTime?: string; findings?: { id: string; component: string; suppressed?: boolean }[] }[];
  const firstAttested = await waitFor(async () => {
    const a = await attestations();
    return a.every((x) => x.status !== 'Pending' && x.status !== 'NotAttested') && a;
  }, 'the first attestations', 60_000);
  for (const p of POOLS) {
    const vms = await poolVms(p.name);
    expect(vms).toHaveLength(COMPONENTS.length + 1);
    for (const [i, component] of ['(none)', ...COMPONENTS].entries()) {
      const vm = vms[i]!;
      if (component !== '(none)') expect((await armRequest(server, 'POST', api(`${vm.path}/tamper`), { component })).status).toBe(200);
      const r = await armRequest(server, 'POST', api(`${vm.path}/restart`));
      expect(r.status, r.text).toBe(202);
      ops.push({ pool: p.name, component, vm, op: r.headers['azure-asyncoperation'] as string, ...(firstAttested.find((x) => x.node === vm.name)?.bootTime ? { before: firstAttested.find((x) => x.node === vm.name)!.bootTime! } : {}) });
    }
  }
  const finished = new Map<string, { status: string; error?: { message: string } }>();
  await waitFor(async () => {
    for (const o of ops) {
      if (finished.has(o.vm.name)) continue;
      const s = (await armRequest(server, 'GET', new URL(o.op).pathname + new URL(o.op).search)).json;
      if (s.status === 'Succeeded' || s.status === 'Failed') finished.set(o.vm.name, s);
    }
    return finished.size === ops.length;
  }, 'every restart', 60_000);
  // Wait for the attestation of every vTPM node that booted again.
  const pool = (name: string) => POOLS.find((p) => p.name === name)!;
  const latest = await waitFor(async () => {
    const a = await attestations();
    const pending = ops.filter((o) => pool(o.pool).vtpm && finished.get(o.vm.name)!.status === 'Succeeded' && a.find((x) => x.node === o.vm.name)?.bootTime === o.before);
    return pending.length === 0 && a;
  }, 'post-boot attestations', 60_000);
  const alerts = (await run(`security alert list --resource-group ${NODE_RG}`)) as { compromisedEntity: string; alertDisplayName: string; components: { component: string }[] }[];
  for (const o of ops) {
    const fin = finished.get(o.vm.name)!;
    const a = pool(o.pool).vtpm && fin.status === 'Succeeded' ? latest.find((x) => x.node === o.vm.name) : undefined;
    const boot = await armRequest(server, 'GET', api(`${o.vm.path}/serialConsoleLog`));
    const refusedModules = [...boot.text.matchAll(/could not insert '([^']+)'/g)].map((m) => `${m[1]}.ko`);
    cells.set(key(o.pool, o.component), {
      booted: fin.status === 'Succeeded',
      ...(fin.error ? { failure: fin.error.message } : {}),
      refusedModules,
      ...(a ? { status: a.status } : {}),
      findings: (a?.findings ?? []).filter((f) => !f.suppressed).map((f) => ({ id: f.id, component: f.component })),
      alerts: alerts.filter((x) => x.compromisedEntity === o.vm.name).map((x) => ({ displayName: x.alertDisplayName, components: [...new Set(x.components.map((c) => c.component))] })),
    });
  }
}, 240_000);

afterAll(async () => {
  await server?.stop();
});

/** One cell of the README table. */
function describeCell(c: Cell, { sb, vtpm }: { sb: boolean; vtpm: boolean }, baseline: boolean): string {
  if (!c.booted) {
    const m = c.failure?.match(/Secure Boot refused to boot (\S+) \((\w+)/);
    return m ? `**boot refused**: ${m[1]}` : `**boot failed**: ${c.failure ?? '?'}`;
  }
  const parts = ['boots'];
  if (c.refusedModules.length) parts[0] = `boots, ${c.refusedModules.join(', ')} refused`;
  if (vtpm) {
    if (c.status === 'Healthy') parts.push('Healthy');
    else parts.push(`**${c.status}**: ${[...new Set(c.findings.map((f) => `\`${f.id}\` (${f.component})`))].join(', ')}`);
  }
  for (const a of c.alerts) parts.push(`alert *${a.displayName}* (${a.components.join(', ')})`);
  if (!c.status && !c.alerts.length) parts.push(vtpm ? 'not attested' : baseline ? 'no attestation (no vTPM)' : sb ? 'not detected: only measured boot would see it' : 'nothing detected');
  return parts.join(' · ');
}

function matrixMarkdown(): string {
  const head = `| component changed | ${POOLS.map((p) => `Secure Boot ${p.sb ? 'on' : 'off'}, vTPM ${p.vtpm ? 'on' : 'off'}`).join(' | ')} |`;
  const sep = `|---|${POOLS.map(() => '---').join('|')}|`;
  const rows = ['(none)', ...COMPONENTS].map((c) => `| ${c === '(none)' ? 'nothing (baseline)' : `\`${c}\``} | ${POOLS.map((p) => describeCell(cells.get(key(p.name, c))!, p, c === '(none)')).join(' | ')} |`);
  return [head, sep, ...rows].join('\n');
}

const BEGIN = '<!-- tamper-matrix:begin (generated by test/e2e/attest-matrix.test.ts; UPDATE_GOLDEN=1 rewrites it) -->';
const END = '<!-- tamper-matrix:end -->';

describe('the tamper matrix', () => {
  it('Secure Boot refuses a modified shim, grub or kernel, naming it', () => {
    for (const p of POOLS.filter((x) => x.sb)) {
      for (const [component, file] of [['shim', 'shimx64.efi'], ['grub', 'grubx64.efi'], ['kernel', 'vmlinuz-5.15.0-1079-azure']] as const) {
        const c = cells.get(key(p.name, component))!;
        expect(c.booted, `${p.name}/${component}`).toBe(false);
        expect(c.failure).toContain(`Secure Boot refused to boot ${file}`);
      }
    }
  });

  it('whatever boots with a vTPM attests Unhealthy with a finding and an alert naming the component', () => {
    const expected: Record<string, [string, string]> = {
      shim: ['boot.shim.authenticode_mismatch', 'shimx64.efi'],
      grub: ['boot.bootloader.authenticode_mismatch', 'grubx64.efi'],
      kernel: ['boot.kernel.authenticode_mismatch', 'vmlinuz-5.15.0-1079-azure'],
      module: ['module.untrusted', 'hv_vmbus.ko'],
      cmdline: ['kernel.cmdline_modified', 'kernel command line'],
      db: ['secureboot.db_modified', 'db'],
      dbx: ['secureboot.dbx_modified', 'dbx'],
    };
    for (const p of POOLS.filter((x) => x.vtpm)) {
      expect(cells.get(key(p.name, '(none)'))).toMatchObject({ booted: true, status: 'Healthy', findings: [], alerts: [] });
      for (const component of COMPONENTS) {
        const c = cells.get(key(p.name, component))!;
        if (!c.booted) continue; // refused by Secure Boot (previous test)
        const [id, name] = expected[component]!;
        expect(c.status, `${p.name}/${component}`).toBe('Unhealthy');
        expect(c.findings).toContainEqual({ id, component: name });
        expect(c.alerts.flatMap((a) => a.components)).toContain(name);
        expect(c.alerts.map((a) => a.displayName)).toContain(component === 'module' ? 'untrusted Linux kernel module' : 'VM attestation failure');
      }
    }
  });

  it('Secure Boot alone refuses an unsigned module (alert) but does not see the command line or the firmware databases', () => {
    const mod = cells.get(key('sbonly', 'module'))!;
    expect(mod).toMatchObject({ booted: true, refusedModules: ['hv_vmbus.ko'], alerts: [{ displayName: 'untrusted Linux kernel module', components: ['hv_vmbus.ko'] }] });
    for (const component of ['cmdline', 'db', 'dbx']) expect(cells.get(key('sbonly', component))).toMatchObject({ booted: true, alerts: [], findings: [] });
  });

  it('with both off, everything boots and nothing is detected', () => {
    for (const component of ['(none)', ...COMPONENTS]) expect(cells.get(key('neither', component))).toMatchObject({ booted: true, refusedModules: [], alerts: [], findings: [] });
  });

  it('prints the matrix, and README.md shows exactly it', () => {
    const table = matrixMarkdown();
    console.log(`\n${table}\n`);
    const path = join(REPO, 'README.md');
    const readme = readFileSync(path, 'utf8');
    const block = `${BEGIN}\n${table}\n${END}`;
    const start = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    if (process.env.UPDATE_GOLDEN === '1' && start >= 0 && end > start) {
      writeFileSync(path, readme.slice(0, start) + block + readme.slice(end + END.length));
      return;
    }
    expect(start, 'README.md has the tamper-matrix markers').toBeGreaterThanOrEqual(0);
    expect(readme.slice(start, end + END.length)).toBe(block);
  });
});
