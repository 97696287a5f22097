/**
 * Reference values compiled from the platform's Trusted Launch image, judged by real tools:
 * the Authenticode digests of shim, grub and the kernel equal `pesign -h`'s, the file digests
 * `sha256sum`'s; the authorities are the db certificate that signs shim and the vendor
 * certificate in shim that signs grub and the kernel.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { attestationFixture, type Fixture } from '../test-support/fixture.js';

let f: Fixture;
let dir: string;

beforeAll(async () => {
  f = await attestationFixture();
  dir = mkdtempSync(join(tmpdir(), 'tl-refs-'));
}, 60_000);

const file = (name: string, bytes: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

describe('compileReferenceValues (platform Trusted Launch image)', () => {
  it('Authenticode digests of the boot chain equal pesign -h', () => {
    const img = f.image;
    for (const [stage, bytes] of [['shim', img.shim], ['bootloader', img.bootloader], ['kernel', img.kernel]] as const) {
      const out = execFileSync('pesign', ['-h', '-i', file(stage, bytes)], { encoding: 'utf8' });
      expect(f.refs.bootApplications.find((a) => a.stage === stage)!.authenticodeSha256).toBe(out.match(/^hash: ([0-9a-f]{64})/m)![1]);
    }
  });

  it('file digests (kernel, initrd, modules, firmware variables) equal sha256sum', () => {
    const sum = (p: string) => execFileSync('sha256sum', [p], { encoding: 'utf8' }).split(' ')[0];
    expect(f.refs.kernel.sha256).toBe(sum(file('vmlinuz', f.image.kernel)));
    expect(f.refs.initrd!.sha256).toBe(sum(file('initrd', f.image.initrd!)));
    expect(f.refs.modules.map((m) => m.sha256)).toEqual([...f.image.modules, f.image.gpuDriver!].map((m) => sum(file(m.name, m.bytes))));
    expect(f.refs.secureBootVariables.db.sha256).toBe(sum(file('db', f.image.firmware.db)));
    expect(f.refs.kernelCmdline).toBe(`${f.image.meta.kernelPath} ${f.image.meta.cmdline}`);
  });

  it('names the authorities of the chain and its SBAT level', () => {
    expect(f.refs.authorities.map((a) => [a.database, a.subject])).toEqual([
      ['db', 'Trusted Launch UEFI CA'],
      ['shim vendor certificate', 'Trusted Launch Secure Boot CA'],
    ]);
    expect(f.refs.sbatLevel).toMatch(/^sbat,1,\d{10}\n/);
    expect(f.refs.secureBootVariables.db.entries.map((e) => e.subject)).toEqual([expect.stringContaining('CN = Trusted Launch UEFI CA')]);
  });
});
