/**
 * The bzImage payload reader runs on untrusted files (`tl image import --kernel`, `tl secureboot
 * verify --kernel`): random bytes, stray stream magics and compression bombs give "no payload"
 * or a user error, never a crash, a hang or an unbounded allocation.
 */
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../framework/errors.js';
import { decompressKernel, kernelBuiltinCertificates } from './kernel-keys.js';

const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const GZ = [0x1f, 0x8b, 0x08];

describe('decompressKernel', () => {
  it('finds nothing in random bytes, even around stray XZ and gzip magics', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.uint8Array({ maxLength: 256 }), fc.constantFrom(XZ, GZ), (before, after, magic) => {
        const bytes = new Uint8Array([...before, ...magic, ...after]);
        const out = (() => {
          try {
            return decompressKernel(bytes);
          } catch (e) {
            // only the user errors of the xz edge are allowed
            expect(e).toBeInstanceOf(UserError);
            return undefined;
          }
        })();
        expect(out === undefined || out.length > 0).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('stops gzip and XZ bombs at the size limit with a user error', () => {
    // 64 concatenated gzip members of 1 MB of zeros: 64 KB that inflate to 64 MB (limit here: 8 MB)
    const member = gzipSync(Buffer.alloc(1 << 20));
    const bomb = Buffer.concat([Buffer.alloc(100), ...Array.from({ length: 64 }, () => member)]);
    expect(() => decompressKernel(new Uint8Array(bomb), 8 << 20)).toThrow(/decompresses to more than 8 MB: not a kernel/);
    const xz = spawnSync('xz', ['-c', '-0'], { input: Buffer.alloc(16 << 20) }).stdout;
    expect(() => decompressKernel(new Uint8Array(Buffer.concat([Buffer.alloc(100), xz])), 8 << 20)).toThrow(UserError);
  });

  it('decompresses an XZ payload followed by a long trailer, which xz stops reading (EPIPE on our side)', () => {
    const payload = Buffer.alloc(64 << 10, 0x41);
    const xz = spawnSync('xz', ['-c', '-0'], { input: payload }).stdout;
    // 32 MB after the stream: far more than a pipe holds, so xz exits while we are still writing.
    for (let i = 0; i < 3; i++) {
      const out = decompressKernel(new Uint8Array(Buffer.concat([Buffer.alloc(512), xz, Buffer.alloc(32 << 20, 0x90)])));
      expect(Buffer.from(out!).equals(payload)).toBe(true);
    }
  });

  it('reads a gzip payload that holds no certificate as a kernel without keys', async () => {
    const kernel = gzipSync(Buffer.alloc(2 << 20, 0x90));
    expect(await kernelBuiltinCertificates(new Uint8Array(Buffer.concat([Buffer.alloc(64), kernel])))).toEqual([]);
  });
});
