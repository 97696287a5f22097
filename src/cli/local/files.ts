/**
 * Local files for the offline tools (`tl eventlog`, `tl ima`, `tl secureboot`, `tl tpm`,
 * `tl image import`): the CLI is the edge that touches the file system (DESIGN.md §3), so the
 * pure libraries get bytes. Errors become az-style user errors (exit 1), never tracebacks:
 *   - a file that cannot be read: FileOperationError naming the path and the reason;
 *   - bytes a library refuses (WireError with offset, input errors): InvalidArgumentValueError
 *     prefixed with the path, so `tl eventlog parse -f x.bin` says where and why.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isTlError } from '../../core/errors.js';
import { UserError } from '../framework/errors.js';
import type { Context } from '../framework/types.js';

const REASONS: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
};

export function fileReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && REASONS[code]) ?? (e as Error).message;
}

/** A path as the user meant it: relative to the command's working directory. */
export function localPath(ctx: Context, path: string): string {
  return resolve(ctx.io.cwd, path);
}

export function readLocal(ctx: Context, path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(localPath(ctx, path)));
  } catch (e) {
    throw new UserError('FileOperationError', `Cannot read '${path}': ${fileReason(e)}`, { cause: e });
  }
}

export function writeLocal(ctx: Context, path: string, bytes: Uint8Array | string, mode?: number): void {
  try {
    writeFileSync(localPath(ctx, path), bytes, mode === undefined ? undefined : { mode });
  } catch (e) {
    throw new UserError('FileOperationError', `Cannot write '${path}': ${fileReason(e)}`, { cause: e });
  }
}

/**
 * Run a library function over a file's bytes; the library's own errors (TlError: WireError with
 * its offset, SecureBootInputError …) become user errors naming the file. Anything else is a bug.
 */
export function fromLibrary<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isTlError(e)) throw new UserError('InvalidArgumentValueError', `${what}: ${e.message}`, { cause: e });
    throw e;
  }
}
