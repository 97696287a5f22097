/**
 * Real Debian fixtures for the uefi tests and bench, downloaded with `apt-get download` and
 * unpacked with `dpkg-deb`, cached under `.cache/` (gitignored) and shared by every test file.
 *
 * Concurrency: vitest runs test files in parallel workers, so every download/extract step runs
 * under `flock` on a lock file (a real lock, no polling) and publishes its result by rename.
 * The kernel package (~100 MB) is unpacked selectively: the bzImage, its config and a handful of
 * modules for tests; the bench asks for every module once.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout root: the nearest parent with package.json (this file also runs compiled from dist/ for the bench). */
export const REPO = ((): string => {
  let d = import.meta.dirname;
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
})();
export const CACHE = join(REPO, '.cache');
export const DEBS = join(CACHE, 'debs');
export const TREES = join(CACHE, 'uefi');

function sh(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

/** Run `fn` while holding an exclusive flock on `name` (the callback runs in a child shell). */
function locked(name: string, script: string): void {
  mkdirSync(DEBS, { recursive: true });
  const r = spawnSync('flock', [join(DEBS, `.${name}.lock`), 'sh', '-ec', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`fixture step ${name} failed: ${r.stderr || r.stdout}`);
}

/** The name of the current signed kernel package, resolved through the metapackage (never hard-coded). */
export function kernelPackage(): string {
  const depends = (): RegExpMatchArray | null => {
    const r = spawnSync('apt-cache', ['depends', 'linux-image-amd64'], { encoding: 'utf8' });
    return (r.stdout ?? '').match(/Depends:\s*(linux-image-[0-9][^\s]*-amd64)\b/);
  };
  let m = depends();
  if (!m) {
    // A fresh machine has no package lists; one apt-get at a time (apt's own lock would fail a second).
    locked('apt', 'apt-get update -qq');
    m = depends();
  }
  if (!m) throw new Error('cannot resolve the kernel package from linux-image-amd64');
  return m[1]!;
}

/** Path of the cached .deb for `pkg`, downloading it when absent. */
export function deb(pkg: string): string {
  const find = () => readdirSync(DEBS).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  mkdirSync(DEBS, { recursive: true });
  let f = find();
  if (!f) {
    // apt-get download needs package lists; refresh them once when the package is unknown.
    locked('apt', `cd "${DEBS}"; ls ${pkg}_*.deb >/dev/null 2>&1 || apt-get download -qq ${pkg} || (apt-get update -qq && apt-get download -qq ${pkg})`);
    f = find();
    if (!f) throw new Error(`apt-get download ${pkg} produced no file`);
  }
  return join(DEBS, f);
}

/**
 * Unpack `pkg` (only `patterns`, tar wildcards, when given) into `.cache/uefi/<tag>` and return
 * that directory. Idempotent and safe under concurrency (extract to a temp dir, then rename).
 */
export function tree(pkg: string, tag = pkg, patterns: string[] = []): string {
  const dest = join(TREES, tag);
  if (existsSync(dest)) return dest;
  const debFile = deb(pkg);
  mkdirSync(TREES, { recursive: true });
  const tmp = `${dest}.tmp`;
  const pats = patterns.map((p) => `'${p}'`).join(' ');
  locked(`x-${tag}`, `test -d "${dest}" && exit 0; rm -rf "${tmp}"; mkdir -p "${tmp}"; dpkg-deb --fsys-tarfile "${debFile}" | tar -x -C "${tmp}" --wildcards ${pats}; mv "${tmp}" "${dest}"`);
  return dest;
}

export interface DebianFixtures {
  /** mmx64/fbx64 signed by Debian (shim-helpers-amd64-signed): WIN_CERTIFICATE dwLength not a multiple of 8. */
  mmSigned: string;
  fbSigned: string;
  shimSigned: string;
  shimUnsigned: string;
  debianCa: string;
  grubSigned: string;
  ovmfMsVars: string;
  ovmfSnakeoilVars: string;
  snakeoilPem: string;
  snakeoilKey: string;
}

export function debianBoot(): DebianFixtures {
  const shim = tree('shim-signed');
  const helpers = tree('shim-helpers-amd64-signed');
  const shimU = tree('shim-unsigned');
  const grub = tree('grub-efi-amd64-signed', 'grub-efi-amd64-signed', ['./usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed']);
  const ovmf = tree('ovmf', 'ovmf', ['./usr/share/OVMF/OVMF_VARS_4M.*', './usr/share/ovmf/PkKek-1-snakeoil.*']);
  return {
    mmSigned: join(helpers, 'usr/lib/shim/mmx64.efi.signed'),
    fbSigned: join(helpers, 'usr/lib/shim/fbx64.efi.signed'),
    shimSigned: join(shim, 'usr/lib/shim/shimx64.efi.signed'),
    shimUnsigned: join(shimU, 'usr/lib/shim/shimx64.efi'),
    debianCa: join(shimU, 'usr/share/shim/debian-uefi-ca.der'),
    grubSigned: join(grub, 'usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed'),
    ovmfMsVars: join(ovmf, 'usr/share/OVMF/OVMF_VARS_4M.ms.fd'),
    ovmfSnakeoilVars: join(ovmf, 'usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd'),
    snakeoilPem: join(ovmf, 'usr/share/ovmf/PkKek-1-snakeoil.pem'),
    snakeoilKey: join(ovmf, 'usr/share/ovmf/PkKek-1-snakeoil.key'),
  };
}

/** Modules the tests sample (Hyper-V drivers an Azure Gen2 VM loads, plus a tiny and a large one). */
export const SAMPLE_MODULES = [
  'kernel/drivers/hv/hv_vmbus.ko',
  'kernel/drivers/hv/hv_utils.ko',
  'kernel/drivers/net/hyperv/hv_netvsc.ko',
  'kernel/drivers/scsi/hv_storvsc.ko',
  'kernel/lib/crc7.ko',
  'kernel/fs/ext4/ext4.ko',
];

export interface KernelFixtures {
  pkg: string;
  abi: string;
  vmlinuz: string;
  config: string;
  modulesDir: string;
  /** The sampled module paths (absolute). */
  modules: string[];
}

export function debianKernel(): KernelFixtures {
  const pkg = kernelPackage();
  const abi = pkg.replace(/^linux-image-/, '');
  const dir = tree(pkg, `${pkg}-sample`, [
    `./boot/vmlinuz-${abi}`,
    `./boot/config-${abi}`,
    ...SAMPLE_MODULES.map((m) => `./lib/modules/${abi}/${m}`),
  ]);
  const modulesDir = join(dir, 'lib/modules', abi);
  return {
    pkg,
    abi,
    vmlinuz: join(dir, 'boot', `vmlinuz-${abi}`),
    config: join(dir, 'boot', `config-${abi}`),
    modulesDir,
    modules: SAMPLE_MODULES.map((m) => join(modulesDir, m)),
  };
}

/** Every module of the kernel package, unpacked once (for the bench; ~400 MB on disk). */
export function allKernelModules(): string[] {
  const pkg = kernelPackage();
  const abi = pkg.replace(/^linux-image-/, '');
  const dir = tree(pkg, `${pkg}-modules`, [`./lib/modules/${abi}/kernel/*`]);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ko')) out.push(p);
    }
  };
  walk(join(dir, 'lib/modules', abi, 'kernel'));
  return out.sort();
}

/**
 * The decompressed kernel (vmlinux) inside a bzImage whose payload is XZ (CONFIG_KERNEL_XZ=y):
 * found by the XZ stream magic and decompressed with `xz` (test-side only; the library scans the
 * decompressed bytes for the built-in certificates).
 */
export function vmlinuxOf(vmlinuzPath: string): Uint8Array {
  const cached = `${vmlinuzPath}.vmlinux`;
  if (existsSync(cached)) return new Uint8Array(readFileSync(cached));
  const z = readFileSync(vmlinuzPath);
  const magic = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
  const at = z.indexOf(magic);
  if (at < 0) throw new Error('no XZ payload in the bzImage');
  const r = spawnSync('xz', ['-dc', '--single-stream'], { input: z.subarray(at), maxBuffer: 256 << 20 });
  if (r.status !== 0 && (!r.stdout || r.stdout.length === 0)) throw new Error(`xz failed: ${r.stderr}`);
  const tmp = `${cached}.${process.pid}.tmp`;
  writeAtomic(tmp, r.stdout);
  renameSync(tmp, cached);
  return new Uint8Array(r.stdout);
}

function writeAtomic(p: string, b: Uint8Array): void {
  // Small indirection so the rename above publishes a complete file.
  rmSync(p, { force: true });
  execFileSync('sh', ['-c', `cat > "${p}"`], { input: b });
}

/** Run a peer tool and return { status, stdout, stderr } without throwing. */
export function run(cmd: string, args: string[], cwd?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** scripts/sign-file from linux-kbuild-<major.minor> (the kernel's own module signer), as a peer. */
export function signFile(): string {
  const abi = kernelPackage().replace(/^linux-image-/, '');
  const mm = abi.match(/^(\d+\.\d+)/)![1]!;
  const pkg = `linux-kbuild-${mm}`;
  const dir = tree(pkg, pkg, [`./usr/lib/${pkg}/scripts/sign-file`]);
  return join(dir, `usr/lib/${pkg}/scripts/sign-file`);
}

/** A throwaway RSA signing key and self-signed certificate made with openssl (PEM and DER paths). */
export function opensslSigner(dir: string, cn: string, bits = 2048): { key: string; pem: string; der: string } {
  const key = join(dir, `${cn.replace(/\W+/g, '_')}.key`);
  const pem = join(dir, `${cn.replace(/\W+/g, '_')}.pem`);
  const der = join(dir, `${cn.replace(/\W+/g, '_')}.der`);
  sh('openssl', ['req', '-x509', '-newkey', `rsa:${bits}`, '-nodes', '-keyout', key, '-out', pem, '-days', '3650', '-subj', `/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=digitalSignature', '-addext', 'extendedKeyUsage=codeSigning']);
  sh('openssl', ['x509', '-in', pem, '-outform', 'der', '-out', der]);
  return { key, pem, der };
}
