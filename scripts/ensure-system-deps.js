#!/usr/bin/env node
// npm test's pretest: make sure the Debian packages the tests drive (swtpm, tpm2-tools,
// sbsigntool, …) are present, so `npm test` works on a fresh machine. Packages are listed once,
// in scripts/system-packages.txt, which .ci/run also installs from. As root with apt-get it
// installs what is missing; otherwise it prints the command to run and fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const list = readFileSync(new URL('./system-packages.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.replace(/#.*/, '').trim())
  .filter(Boolean)
  .map((l) => l.split(/\s+/));

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const absent = list.filter(([, cmd]) => !has(cmd));
const unpackaged = absent.filter(([pkg]) => pkg === '-').map(([, cmd]) => cmd);
if (unpackaged.length) {
  console.error(`Missing commands the tests need that are not Debian packages: ${unpackaged.join(' ')} (see scripts/system-packages.txt).`);
  process.exit(1);
}
const missing = absent.map(([pkg]) => pkg);
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !has('apt-get')) {
  console.error(`Missing system packages: ${missing.join(' ')}\nInstall them with: sudo apt-get install -y ${missing.join(' ')}`);
  process.exit(1);
}
console.error(`Installing system packages for the tests: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
