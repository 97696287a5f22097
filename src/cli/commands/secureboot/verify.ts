/**
 * `tl secureboot verify --file FILE… [--db FILE…] [--dbx FILE…] [--vars OVMF_VARS]`: would UEFI
 * Secure Boot let these files run? One verdict per file, decided as edk2 firmware decides for PE
 * images (db/dbx, partial chains, no expiry) and as the kernel decides for modules (src/uefi
 * `secureBootVerify`). Text by default (per file: verdict and reason, signer, authority, digest,
 * each signature); `-o json` (or any -o / --query) prints the verdicts as data.
 * Exit status 0 only when every file is allowed, 1 otherwise (after printing every verdict).
 */
import { basename } from 'node:path';
import { UserError } from '../../framework/errors.js';
import type { CommandSpec } from '../../framework/types.js';
import { kernelBuiltinCertificates } from '../../local/kernel-keys.js';
import { fromLibrary, readLocal } from '../../local/files.js';
import { named, trustOptions, wantsText } from './_trust.js';

/** `-o table`: one row per file. */
function verdictRows(json: unknown): Record<string, unknown>[] {
  const files = (json as { files: { component: string; allowed: boolean; signer?: string; authority?: { database: string; subject?: string }; reason: string }[] }).files;
  return files.map((f) => ({ File: f.component, Allowed: f.allowed, Signer: f.signer ?? '', Authority: f.authority ? `${f.authority.database} ${f.authority.subject ?? ''}`.trim() : '', Reason: f.reason }));
}

export const command: CommandSpec = {
  summary: 'Verify EFI images and kernel modules as UEFI Secure Boot would, against db/dbx.',
  long: 'PE/COFF images (shim, grub, kernels, drivers) are checked with Authenticode against db and dbx as edk2 firmware does; kernel modules against db, the given module keys and the built-in keys of --kernel. The exit status is 0 only when every file is allowed.',
  args: [
    { names: ['--file', '-f'], kind: 'list', required: true, positional: true, help: 'The files to verify: EFI images or kernel modules (.ko).' },
    { names: ['--db'], kind: 'list', help: 'Allowed signers: X.509 certificates (DER or PEM) or EFI_SIGNATURE_LIST files (e.g. `efi-readvar -v db -o db.esl`).' },
    { names: ['--dbx'], kind: 'list', help: 'Forbidden signers and image digests: certificates or EFI_SIGNATURE_LIST files.' },
    { names: ['--vars'], help: "An OVMF variable store (e.g. /usr/share/OVMF/OVMF_VARS_4M.ms.fd): its db and dbx are used, with --db/--dbx added." },
    { names: ['--module-keys'], kind: 'list', help: "Certificates (DER, PEM or EFI_SIGNATURE_LIST) trusted for kernel modules, e.g. the kernel's signing key." },
    { names: ['--kernel'], help: 'A kernel (vmlinuz) whose built-in keys are trusted for kernel modules (its payload is decompressed with xz).' },
  ],
  examples: [
    { summary: "Check Debian's shim against the Microsoft db of OVMF.", command: 'az secureboot verify -f /usr/lib/shim/shimx64.efi.signed --vars /usr/share/OVMF/OVMF_VARS_4M.ms.fd' },
    { summary: 'Check grub and a kernel against the Debian CA, as shim does.', command: 'az secureboot verify -f grubx64.efi.signed vmlinuz --db /usr/share/shim/debian-uefi-ca.der' },
    { summary: 'Check modules against the keys built into their kernel.', command: 'az secureboot verify -f hv_vmbus.ko ext4.ko --kernel /boot/vmlinuz-6.1.0-56-amd64 -o json' },
  ],
  async run(ctx, a) {
    const uefi = await import('../../../uefi/index.js');
    const trust = trustOptions(ctx, { db: a.db as string[] | undefined, dbx: a.dbx as string[] | undefined, vars: a.vars as string | undefined });
    const moduleCerts: { name: string; bytes: Uint8Array }[] = ((a.moduleKeys as string[] | undefined) ?? []).map((p) => named(ctx, p));
    if (a.kernel) {
      const certs = await kernelBuiltinCertificates(readLocal(ctx, a.kernel as string));
      if (certs.length === 0) ctx.log.warn(`No built-in keys found in ${a.kernel as string} (its payload is not XZ or gzip, or carries no certificate).`);
      moduleCerts.push(...certs.map((bytes, i) => ({ name: `${a.kernel as string} built-in key ${i + 1}`, bytes })));
    }
    // verdicts name files as the library's readNamed does: by their base name
    const files = (a.file as string[]).map((p) => ({ name: basename(p), bytes: readLocal(ctx, p) }));
    const report = fromLibrary('secureboot verify', () => {
      const moduleKeys = moduleCerts.length ? uefi.mergeDatabases('module keys', moduleCerts.map((c) => uefi.parseTrustInput('module keys', c))) : undefined;
      return uefi.secureBootVerify(files, { ...trust, ...(moduleKeys ? { moduleKeys } : {}) });
    });
    if (wantsText(a)) ctx.io.stdout.write(report.text);
    else await (await import('../../output/render.js')).render(ctx.io, report.json, { output: ctx.globals.output, query: ctx.globals.query, table: verdictRows });
    const refused = report.verdicts.filter((v) => !v.allowed);
    if (refused.length > 0) {
      throw new UserError('ValidationError', `Secure Boot would refuse ${refused.length} of ${report.verdicts.length} file${report.verdicts.length === 1 ? '' : 's'}: ${refused.map((v) => v.component).join(', ')}`);
    }
    return undefined;
  },
};
