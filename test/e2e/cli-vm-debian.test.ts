/**
 * Issue 7's CLI faces end to end against a real `tl serve`: `tl image import` of Debian's real
 * signed chain (Microsoft-signed shim, Debian-signed grub and kernel, six signed modules, OVMF's
 * Microsoft PK/KEK/db/dbx; the kernel's module key read out of its XZ payload), `tl aks nodepool
 * add --node-image` with Secure Boot and vTPM, the nodes Running in `tl vm list`, then a patched
 * kernel (`tl vm tamper`) refused at `tl vm restart`, the refusal in `tl vm boot-diagnostics
 * get-boot-log` naming the kernel and Debian's signer, and `tl vm reimage|stop|start|show`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EFI_IMAGE_SECURITY_DATABASE_GUID } from '../../src/core/efi/index.js';
import { builtinKeys, findVariable, parseVariableStore } from '../../src/uefi/index.js';
import { debianBoot, debianKernel, vmlinuxOf, type DebianFixtures, type KernelFixtures } from '../../src/uefi/test-support/fixtures.js';
import { cliEnv, tl, type CliEnv } from '../support/cli.js';
import { createCluster, registerTrustedLaunch } from '../support/kube.js';
import { startServer, waitFor, type TestServer } from '../support/server.js';

const RG = 'MC_rg_c_eastus';
let s: TestServer;
let env: CliEnv;
let f: DebianFixtures;
let k: KernelFixtures;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  f = debianBoot();
  k = debianKernel();
  s = await startServer();
  env = cliEnv(s);
  await registerTrustedLaunch(s);
  await createCluster(s, 'rg', 'c', [{ name: 'nodepool1', count: 1 }]);
  expect((await tl(env, 'extension add --name aks-preview --only-show-errors')).code).toBe(0);
}, 300_000);

afterAll(async () => {
  await s?.stop();
});

/** The Debian pool's VMs as `tl vm list -d` shows them. */
async function debianVms(): Promise<{ name: string; powerState: string; provisioningState: string }[]> {
  const r = await tl(env, ['vm', 'list', '-g', RG, '-d']);
  expect(r.code, r.stderr).toBe(0);
  return (r.json as { name: string; powerState: string; provisioningState: string }[]).filter((v) => v.name.startsWith('aks-debian-'));
}

describe("Debian's real boot chain through the CLI", () => {
  it('tl image import uploads every file and defines the image; the kernel key comes out of the bzImage', async () => {
    const r = await tl(env, [
      'image', 'import', '-n', 'debian12', '--shim', f.shimSigned, '--grub', f.grubSigned, '--kernel', k.vmlinuz, '--modules', k.modulesDir,
      '--vars', f.ovmfMsVars, '--os-distro', 'Debian', '--os-version', '12', '--cmdline', 'root=/dev/sda1 ro quiet', '--verbose',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const p = r.json.properties;
    expect(r.json).toMatchObject({ name: 'debian12', id: '/providers/TrustedLaunch.Platform/nodeImages/debian12' });
    expect(p).toMatchObject({ source: 'imported', osDistro: 'Debian', osVersion: '12', cmdline: 'root=/dev/sda1 ro quiet', trustedLaunch: true });
    expect(p.shim).toMatchObject({ name: 'shimx64.efi.signed', sha256: sha256(readFileSync(f.shimSigned)) });
    expect(p.bootloader.sha256).toBe(sha256(readFileSync(f.grubSigned)));
    expect(p.kernel).toMatchObject({ name: basename(k.vmlinuz), sha256: sha256(readFileSync(k.vmlinuz)) });
    expect(p.modules.map((m: { name: string }) => m.name).sort()).toEqual(k.modules.map((m) => basename(m)).sort());
    // The key built into the kernel, as the fixtures' own decompression finds it.
    expect(p.kernelKeys.map((x: { sha256: string }) => x.sha256)).toEqual(builtinKeys(vmlinuxOf(k.vmlinuz)).certs.map((c) => sha256(c.cert.der)));
    const db = findVariable(parseVariableStore(new Uint8Array(readFileSync(f.ovmfMsVars))), 'db', EFI_IMAGE_SECURITY_DATABASE_GUID)!;
    expect(p.firmware.db.sha256).toBe(sha256(db.data));
    expect(Object.keys(p.firmware).sort()).toEqual(['KEK', 'PK', 'db', 'dbx']);
    expect(r.stderr).toMatch(/^INFO: Read 1 built-in key\(s\) out of vmlinuz-/m);

    const table = await tl(env, 'image list -o table');
    expect(table.stdout.split('\n')[0]).toMatch(/^Name +Source +OsDistro +OsVersion +TrustedLaunch +Kernel +Modules +CreatedAt$/);
    expect(table.stdout).toMatch(new RegExp(`^debian12 +imported +Debian +12 +True +vmlinuz-${k.abi.replace(/\./g, '\\.')} +6 `, 'm'));
    expect((await tl(env, 'image show -n debian12 --query properties.kernel.name -o tsv')).stdout).toBe(`${basename(k.vmlinuz)}\n`);
    const missing = await tl(env, 'image show -n nope');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("(ImageNotFound) Node image 'nope' was not found.");
  });

  it('a Secure Boot + vTPM pool boots on the image: its nodes are Running in tl vm list', async () => {
    const add = await tl(env, 'aks nodepool add -g rg --cluster-name c -n debian --node-count 2 --enable-secure-boot --enable-vtpm --node-image debian12 --only-show-errors');
    expect(add.code, add.stderr).toBe(0);
    expect(add.json).toMatchObject({ nodeImageVersion: 'debian12', creationData: { sourceResourceId: '/providers/TrustedLaunch.Platform/nodeImages/debian12' }, securityProfile: { enableSecureBoot: true, enableVtpm: true } });
    const vms = await waitFor(async () => {
      const v = await debianVms();
      return v.length === 2 && v.every((x) => x.powerState === 'VM running') && v;
    }, 'the Debian nodes running', 60_000);
    expect(vms.map((v) => v.name)).toEqual([expect.stringMatching(/^aks-debian-\d{8}-vmss000000$/), expect.stringMatching(/^aks-debian-\d{8}-vmss000001$/)]);

    const table = await tl(env, ['vm', 'list', '-g', RG, '-o', 'table']);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Name +ResourceGroup +Location +Zones$/);
    expect(lines.filter((l) => l.startsWith('aks-'))).toHaveLength(3);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${vms[0]!.name} +${RG} +eastus$`)));

    const show = await tl(env, ['vm', 'show', '-g', RG, '-n', vms[0]!.name]);
    expect(show.json).toMatchObject({ name: vms[0]!.name, resourceGroup: RG, securityProfile: { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } }, zones: null });
    const log = await tl(env, ['vm', 'boot-diagnostics', 'get-boot-log', '-g', RG, '-n', vms[0]!.name]);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toMatch(/secureboot: Secure boot enabled/);
    expect(log.stdout).toMatch(/login: /);
  });

  it('a patched kernel is refused at the next boot: restart fails and the boot log names the kernel and its Debian signer', async () => {
    const [vm] = await debianVms();
    const tamper = await tl(env, ['vm', 'tamper', '-g', RG, '-n', vm!.name, '--component', 'kernel']);
    expect(tamper.code, tamper.stderr).toBe(0);
    expect(tamper.json).toMatchObject({ components: ['kernel'] });

    const restart = await tl(env, ['vm', 'restart', '-g', RG, '-n', vm!.name]);
    expect(restart.code).toBe(1);
    expect(restart.stderr).toMatch(new RegExp(`^ERROR: \\(SecureBootViolation\\) Secure Boot refused to boot vmlinuz-${k.abi.replace(/\./g, '\\.')} \\(kernel, signed by Debian Secure Boot Signer 2022 - linux\\)`, 'm'));

    const log = await tl(env, ['vm', 'boot-diagnostics', 'get-boot-log', '-g', RG, '-n', vm!.name]);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toContain(`vmlinuz-${k.abi}`);
    expect(log.stdout).toContain('Debian Secure Boot Signer 2022 - linux');
    expect(log.stdout).toMatch(/bad shim signature/);
    expect(log.stdout).not.toMatch(/login: /);

    const shown = await tl(env, ['vm', 'show', '-g', RG, '-n', vm!.name, '-d']);
    expect(shown.json).toMatchObject({ powerState: 'VM stopped', provisioningState: 'Failed' });
    const uris = await tl(env, ['vm', 'boot-diagnostics', 'get-boot-log-uris', '-g', RG, '-n', vm!.name]);
    expect(uris.json.serialConsoleLogBlobUri).toMatch(/\/virtualMachines\/0\/serialConsoleLog\?api-version=/);
  });

  it('reimage restores the image and the VM boots; stop and start power a VM off and on', async () => {
    const [vm0, vm1] = await debianVms();
    const reimage = await tl(env, ['vm', 'reimage', '-g', RG, '-n', vm0!.name]);
    expect(reimage.code, reimage.stderr).toBe(0);
    expect(reimage.stdout).toBe('');
    expect((await tl(env, ['vm', 'show', '-g', RG, '-n', vm0!.name, '-d'])).json.powerState).toBe('VM running');
    expect((await tl(env, ['vm', 'boot-diagnostics', 'get-boot-log', '-g', RG, '-n', vm0!.name])).stdout).toMatch(/login: /);

    expect((await tl(env, ['vm', 'stop', '-g', RG, '-n', vm1!.name])).code).toBe(0);
    expect((await tl(env, ['vm', 'show', '-g', RG, '-n', vm1!.name, '-d'])).json.powerState).toBe('VM stopped');
    expect((await tl(env, ['vm', 'start', '-g', RG, '-n', vm1!.name])).code).toBe(0);
    expect((await tl(env, ['vm', 'show', '-g', RG, '-n', vm1!.name, '-d'])).json.powerState).toBe('VM running');
  });

  it('names a VM that does not exist as az does (exit 3), and checks the tamper component', async () => {
    for (const name of ['aks-debian-00000000-vmss00000z', 'not-a-node']) {
      const r = await tl(env, ['vm', 'show', '-g', RG, '-n', name]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`(ResourceNotFound) The Resource 'Microsoft.Compute/virtualMachines/${name}' under resource group '${RG}' was not found.`);
    }
    const bad = await tl(env, ['vm', 'tamper', '-g', RG, '-n', 'x', '--component', 'bios']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'bios' is not a valid value for '--component'. Allowed values: shim, grub, kernel, module, cmdline, db, dbx.");
  });
});
