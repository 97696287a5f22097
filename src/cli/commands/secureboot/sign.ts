/**
 * `tl secureboot sign --file FILE --key KEY --cert CERT [--chain CERT…] [--append]`: sign an EFI
 * image with Authenticode (sbsign-compatible; --append adds a second signature as shim carries)
 * or a kernel module with an appended PKCS#7 (scripts/sign-file-compatible) — detected by content
 * (src/uefi `secureBootSign`). Writes FILE.signed unless --output-file says where, as sbsign does.
 */
import type { CommandSpec } from '../../framework/types.js';
import { fromLibrary, readLocal, writeLocal } from '../../local/files.js';

export const command: CommandSpec = {
  summary: 'Sign an EFI image (Authenticode) or a kernel module (appended PKCS#7).',
  args: [
    { names: ['--file', '-f'], required: true, positional: true, help: 'The EFI image (PE/COFF) or kernel module (.ko) to sign.' },
    { names: ['--key'], required: true, help: 'The private key, PEM (PKCS#1 or PKCS#8).' },
    { names: ['--cert'], required: true, help: 'The signing certificate, PEM or DER.' },
    { names: ['--chain'], kind: 'list', help: 'Intermediate certificates to put in the signature (PEM or DER).' },
    { names: ['--append'], kind: 'flag', help: 'Keep the existing Authenticode signatures and add this one (EFI images).' },
    { names: ['--passphrase'], help: 'Passphrase of an encrypted private key.' },
    { names: ['--output-file'], help: 'Where to write the signed file.', defaultText: 'FILE.signed' },
  ],
  examples: [
    { summary: 'Sign a boot loader with a db key; sbverify --cert accepts the result.', command: 'az secureboot sign -f grubx64.efi --key db.key --cert db.crt --output-file grubx64.efi.signed' },
    { summary: 'Sign a kernel module with the kernel module-signing key.', command: 'az secureboot sign -f mydriver.ko --key signing_key.pem --cert signing_key.x509' },
  ],
  async run(ctx, a) {
    const file = a.file as string;
    const out = (a.outputFile as string | undefined) ?? `${file}.signed`;
    const input = { name: file, bytes: readLocal(ctx, file) };
    const key = readLocal(ctx, a.key as string);
    const cert = readLocal(ctx, a.cert as string);
    const chain = ((a.chain as string[] | undefined) ?? []).map((p) => readLocal(ctx, p));
    const { secureBootSign } = await import('../../../uefi/index.js');
    const signed = fromLibrary(file, () =>
      secureBootSign({ file: input, key, cert, chain, append: a.append === true, ...(a.passphrase !== undefined ? { passphrase: a.passphrase as string } : {}) }),
    );
    writeLocal(ctx, out, signed.bytes);
    const { createHash } = await import('node:crypto');
    return { file, outputFile: out, kind: signed.kind, signer: signed.signer, size: signed.bytes.length, sha256: createHash('sha256').update(signed.bytes).digest('hex') };
  },
};
