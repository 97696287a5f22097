/**
 * `tl image import --name N --shim FILE --grub FILE --kernel FILE [--initrd FILE] [--modules DIR]
 * [--kernel-keys FILE…] [--vars OVMF_VARS] [--cmdline …] [--os-distro …] [--os-version …]`:
 * a real boot chain as a node image, e.g. Debian's Microsoft-signed shim, Debian-signed grub and
 * kernel, the kernel's signed modules and OVMF's Microsoft PK/KEK/db/dbx.
 *
 * Steps:
 *   1. read every file (modules: every `.ko` under DIR);
 *   2. the kernel's module keys: --kernel-keys (DER or PEM certificates), else the certificates
 *      built into the kernel, read out of its XZ/gzip payload (src/cli/local/kernel-keys.ts);
 *   3. the firmware variables: PK, KEK (EFI_GLOBAL_VARIABLE) and db, dbx
 *      (EFI_IMAGE_SECURITY_DATABASE_GUID) out of the OVMF variable store, as EFI_SIGNATURE_LISTs
 *      (without --vars the platform's own firmware keys are used);
 *   4. upload each distinct file (PUT imageFiles/{sha256}, application/octet-stream);
 *   5. define the image (PUT nodeImages/{name}) and print it.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ArmClient } from '../../client/arm.js';
import { UserError } from '../../framework/errors.js';
import type { CommandSpec, Context } from '../../framework/types.js';
import { kernelBuiltinCertificates } from '../../local/kernel-keys.js';
import { fileReason, fromLibrary, localPath, readLocal } from '../../local/files.js';
import { IMAGE_API, nodeImagePath, sha256Hex, uploadImageFile } from './_api.js';

interface NamedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

function modulesUnder(ctx: Context, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (e) {
      throw new UserError('FileOperationError', `Cannot read the modules directory '${dir}': ${fileReason(e)}`, { cause: e });
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ko')) out.push(p);
    }
  };
  walk(localPath(ctx, dir));
  return out.sort();
}

async function kernelKeys(ctx: Context, a: Record<string, unknown>, kernel: NamedFile): Promise<NamedFile[]> {
  const given = a.kernelKeys as string[] | undefined;
  if (given) {
    const { fromPem } = await import('../../../core/asn1/index.js');
    return given.flatMap((p) => {
      const bytes = readLocal(ctx, p);
      const text = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
      if (!text.includes('-----BEGIN ')) return [{ name: basename(p), bytes }];
      const certs = fromLibrary(p, () => fromPem(Buffer.from(bytes).toString('latin1'), 'CERTIFICATE'));
      if (certs.length === 0) throw new UserError('InvalidArgumentValueError', `${p}: no CERTIFICATE in the PEM file`);
      return certs.map((der, i) => ({ name: certs.length === 1 ? basename(p) : `${basename(p)}#${i + 1}`, bytes: der }));
    });
  }
  const certs = await kernelBuiltinCertificates(kernel.bytes);
  if (certs.length === 0) ctx.log.warn(`No certificates are built into ${kernel.name} (or its payload is neither XZ nor gzip): with Secure Boot on, its modules will be refused. Pass --kernel-keys.`);
  else ctx.log.info(`Read ${certs.length} built-in key(s) out of ${kernel.name}.`);
  return certs.map((bytes, i) => ({ name: `${kernel.name}.builtin-key-${i + 1}.der`, bytes }));
}

async function firmwareFromVars(ctx: Context, path: string): Promise<Partial<Record<'PK' | 'KEK' | 'db' | 'dbx', NamedFile>>> {
  const bytes = readLocal(ctx, path);
  const { parseVariableStore, findVariable } = await import('../../../uefi/index.js');
  const { EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE_GUID } = await import('../../../core/efi/index.js');
  const vars = fromLibrary(path, () => parseVariableStore(bytes));
  const out: Partial<Record<'PK' | 'KEK' | 'db' | 'dbx', NamedFile>> = {};
  for (const [name, guid] of [['PK', EFI_GLOBAL_VARIABLE], ['KEK', EFI_GLOBAL_VARIABLE], ['db', EFI_IMAGE_SECURITY_DATABASE_GUID], ['dbx', EFI_IMAGE_SECURITY_DATABASE_GUID]] as const) {
    const v = findVariable(vars, name, guid);
    if (v) out[name] = { name, bytes: v.data };
    else ctx.log.warn(`${path} has no ${name} variable: the platform's ${name} is used.`);
  }
  return out;
}

export const command: CommandSpec = {
  summary: 'Import a real boot chain (shim, grub, kernel, modules, firmware keys) as a node image.',
  long: "Node pools run the image named by `az aks nodepool add --node-image NAME`. With Secure Boot on, the firmware checks shim against db/dbx, shim checks grub and the kernel against its vendor certificate, and the kernel checks its modules against its built-in keys.",
  arm: true,
  preview: true,
  args: [
    { names: ['--name', '-n'], required: true, help: 'Name of the image (1-80 letters, digits, -, _ and .).' },
    { names: ['--shim'], required: true, help: 'The first-stage boot loader (e.g. /usr/lib/shim/shimx64.efi.signed).' },
    { names: ['--grub'], required: true, help: 'The boot loader shim starts (e.g. /usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed).' },
    { names: ['--kernel'], required: true, help: 'The signed kernel (e.g. /boot/vmlinuz-6.1.0-56-amd64).' },
    { names: ['--initrd'], help: "The initial ramdisk (default: the platform image's)." },
    { names: ['--modules'], help: 'A directory whose .ko files (recursively) the kernel loads at boot.' },
    { names: ['--kernel-keys'], kind: 'list', help: "Certificates (DER or PEM) the kernel trusts for modules; default: the keys built into --kernel, read out of its XZ payload with xz." },
    { names: ['--vars'], help: "An OVMF variable store whose PK, KEK, db and dbx the VMs' firmware starts with (e.g. /usr/share/OVMF/OVMF_VARS_4M.ms.fd); default: the platform's." },
    { names: ['--cmdline'], help: "The kernel command line (default: the platform image's)." },
    { names: ['--os-distro'], help: 'Distribution name shown for the image, e.g. Debian.' },
    { names: ['--os-version'], help: 'Distribution version, e.g. 12.' },
  ],
  examples: [
    {
      summary: "Import Debian's signed chain with OVMF's Microsoft keys.",
      command: 'az image import -n debian12 --shim /usr/lib/shim/shimx64.efi.signed --grub /usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed --kernel /boot/vmlinuz-6.1.0-56-amd64 --modules /lib/modules/6.1.0-56-amd64/kernel/drivers/hv --vars /usr/share/OVMF/OVMF_VARS_4M.ms.fd --os-distro Debian --os-version 12',
    },
  ],
  async run(ctx, a) {
    const name = a.name as string;
    // 1.
    const file = (p: string): NamedFile => ({ name: basename(p), bytes: readLocal(ctx, p) });
    const shim = file(a.shim as string);
    const grub = file(a.grub as string);
    const kernel = file(a.kernel as string);
    const initrd = a.initrd ? file(a.initrd as string) : undefined;
    const modules = a.modules ? modulesUnder(ctx, a.modules as string).map(file) : [];
    if (a.modules && modules.length === 0) ctx.log.warn(`No .ko files under ${a.modules as string}.`);
    // 2., 3.
    const keys = await kernelKeys(ctx, a, kernel);
    const firmware = a.vars ? await firmwareFromVars(ctx, a.vars as string) : {};
    // 4.
    const arm = await ArmClient.create(ctx);
    // each distinct content once (files are addressed by their SHA-256)
    const uploads = new Map<string, Promise<void>>();
    const ref = async (f: NamedFile) => {
      const sha256 = sha256Hex(f.bytes);
      let p = uploads.get(sha256);
      if (!p) {
        p = uploadImageFile(ctx, arm, f.bytes, sha256).then(() => ctx.log.info(`Uploaded ${f.name} (${f.bytes.length} bytes, sha256 ${sha256})`));
        uploads.set(sha256, p);
      }
      await p;
      return { name: f.name, sha256 };
    };
    const fw = Object.fromEntries(await Promise.all(Object.entries(firmware).map(async ([k, f]) => [k, await ref(f)] as const)));
    const properties = {
      ...(a.osDistro !== undefined ? { osDistro: a.osDistro as string } : {}),
      ...(a.osVersion !== undefined ? { osVersion: a.osVersion as string } : {}),
      shim: await ref(shim),
      bootloader: await ref(grub),
      kernel: await ref(kernel),
      ...(initrd ? { initrd: await ref(initrd) } : {}),
      modules: await Promise.all(modules.map(ref)),
      kernelKeys: await Promise.all(keys.map(ref)),
      ...(Object.keys(fw).length ? { firmware: fw } : {}),
      ...(a.cmdline !== undefined ? { cmdline: a.cmdline as string } : {}),
    };
    // 5.
    return (await arm.send('PUT', nodeImagePath(name), { apiVersion: IMAGE_API, body: { properties } })).json;
  },
};
