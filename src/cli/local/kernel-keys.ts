/**
 * The certificates built into a Linux kernel (its module-signing keys, `.builtin_trusted_keys`),
 * read out of a bzImage (`vmlinuz`, signed or not): the compressed payload is found by its stream
 * magic and decompressed at the edge — XZ with the `xz` tool (Debian's CONFIG_KERNEL_XZ), gzip
 * with node:zlib — then src/uefi `builtinKeys` scans the decompressed kernel for X.509
 * certificates. Used by `tl image import` (when --kernel-keys is absent) and `tl secureboot
 * verify --kernel`.
 */
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../framework/errors.js';

/** A decompressed kernel is tens of MB; hostile input must not make us allocate more than this. */
const MAX_KERNEL = 256 << 20;
const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

function tooLarge(limit: number, cause: unknown): UserError {
  return new UserError('InvalidArgumentValueError', `The kernel's payload decompresses to more than ${Math.round(limit / 2 ** 20)} MB: not a kernel.`, { cause });
}

function unxz(payload: Buffer, limit: number): Buffer | undefined {
  const r = spawnSync('xz', ['-dc', '--single-stream'], { input: payload, maxBuffer: limit });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOBUFS') throw tooLarge(limit, r.error);
    // --single-stream: xz exits at the end of the first stream and closes its stdin, so writing the
    // bzImage's trailer after it may fail with EPIPE — whether it does depends on timing. The
    // decompressed stream on stdout is what we asked for.
    if (code === 'EPIPE' && r.stdout && r.stdout.length > 0) return r.stdout;
    throw new UserError('FileOperationError', code === 'ENOENT' ? "The kernel's payload is XZ-compressed and the 'xz' tool is not installed (apt-get install xz-utils); or pass the keys with --kernel-keys." : `xz failed: ${r.error.message}`, { cause: r.error });
  }
  // xz stops at the end of the first stream; the bzImage's trailer after it is not an error we need.
  return r.stdout && r.stdout.length > 0 ? r.stdout : undefined;
}

/** gzip magics tried before giving up (the real payload is the first one in a bzImage). */
const GZIP_TRIES = 8;

/**
 * The decompressed kernel inside a bzImage, or undefined when no supported payload is found.
 * Output is capped at `maxBytes` (a larger payload is a user error, never an allocation).
 */
export function decompressKernel(bzImage: Uint8Array, maxBytes = MAX_KERNEL): Uint8Array | undefined {
  const z = Buffer.from(bzImage.buffer, bzImage.byteOffset, bzImage.byteLength);
  const xz = z.indexOf(XZ_MAGIC);
  if (xz >= 0) {
    const out = unxz(z.subarray(xz), maxBytes);
    if (out) return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  // gzip: the magic may also occur by chance; take the first of a few offsets that inflates.
  let tries = 0;
  for (let at = z.indexOf(GZIP_MAGIC); at >= 0 && tries < GZIP_TRIES; at = z.indexOf(GZIP_MAGIC, at + 1), tries++) {
    let out: Buffer;
    try {
      out = gunzipSync(z.subarray(at), { finishFlush: 2 /* Z_SYNC_FLUSH: tolerate the trailer */, maxOutputLength: maxBytes });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes, e);
      continue; // not a gzip stream here
    }
    if (out.length > 1 << 20) return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  return undefined;
}

/** DER certificates built into the kernel (empty when the payload format is not supported). */
export async function kernelBuiltinCertificates(bzImage: Uint8Array): Promise<Uint8Array[]> {
  const vmlinux = decompressKernel(bzImage);
  if (!vmlinux) return [];
  const { builtinKeys } = await import('../../uefi/index.js');
  return builtinKeys(vmlinux).certs.map((c) => c.cert.der);
}
