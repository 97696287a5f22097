/**
 * Debian's real boot chain as a node image (issue 7): Debian's Microsoft-signed shim, Debian-signed
 * grub and kernel, a sample of the kernel's signed modules with its built-in key, and the
 * Microsoft PK/KEK/db/dbx of ovmf's OVMF_VARS_4M.ms.fd — uploaded as image files and defined as
 * nodeImages/`name` through the server's own API.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE_GUID } from '../../src/core/efi/index.js';
import { builtinKeys, findVariable, parseVariableStore } from '../../src/uefi/index.js';
import { debianBoot, debianKernel, vmlinuxOf } from '../../src/uefi/test-support/fixtures.js';
import { armRequest, type TestServer } from './server.js';

export const IMAGE_API = 'api-version=2026-11-01';

/** PUT imageFiles/{sha256} with the bytes; returns the reference a nodeImages body names. */
export async function uploadImageFile(s: TestServer, bytes: Uint8Array, name: string): Promise<{ name: string; sha256: string }> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const r = await armRequest(s, 'PUT', `/providers/TrustedLaunch.Platform/imageFiles/${sha256}?${IMAGE_API}`, undefined, { rawBody: Buffer.from(bytes), headers: { 'content-type': 'application/octet-stream' } });
  if (r.status !== 201) throw new Error(`imageFiles PUT ${r.status}: ${r.text}`);
  return { name, sha256 };
}

/** Upload Debian's chain and PUT nodeImages/`name`; returns that PUT's response. */
export async function importDebianChain(s: TestServer, name = 'debian12'): Promise<Awaited<ReturnType<typeof armRequest>>> {
  const boot = debianBoot();
  const kernel = debianKernel();
  const vars = parseVariableStore(new Uint8Array(readFileSync(boot.ovmfMsVars)));
  const variable = (v: string, guid: string) => findVariable(vars, v, guid)!.data;
  const keys = builtinKeys(vmlinuxOf(kernel.vmlinuz)).certs.map((c) => c.cert.der);
  const file = (p: string) => new Uint8Array(readFileSync(p));
  const upload = (bytes: Uint8Array, n: string) => uploadImageFile(s, bytes, n);
  return armRequest(s, 'PUT', `/providers/TrustedLaunch.Platform/nodeImages/${name}?${IMAGE_API}`, {
    properties: {
      osDistro: 'Debian',
      osVersion: '12',
      shim: await upload(file(boot.shimSigned), 'shimx64.efi.signed'),
      bootloader: await upload(file(boot.grubSigned), 'grubx64.efi.signed'),
      kernel: await upload(file(kernel.vmlinuz), basename(kernel.vmlinuz)),
      modules: await Promise.all(kernel.modules.map((m) => upload(file(m), basename(m)))),
      kernelKeys: await Promise.all(keys.map((k, i) => upload(k, `builtin-${i}.der`))),
      firmware: {
        PK: await upload(variable('PK', EFI_GLOBAL_VARIABLE), 'PK'),
        KEK: await upload(variable('KEK', EFI_GLOBAL_VARIABLE), 'KEK'),
        db: await upload(variable('db', EFI_IMAGE_SECURITY_DATABASE_GUID), 'db'),
        dbx: await upload(variable('dbx', EFI_IMAGE_SECURITY_DATABASE_GUID), 'dbx'),
      },
      cmdline: 'root=/dev/sda1 ro quiet',
    },
  });
}
