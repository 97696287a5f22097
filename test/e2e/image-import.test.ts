/**
 * PUT nodeImages through the server: an image whose kernel is not a PE/COFF image is refused
 * with ARM's 400 error envelope (code, message, target naming the kernel and the parse error)
 * and no image is defined.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_API as P, uploadImageFile } from '../support/debian-image.js';
import { armRequest, startServer, type TestServer } from '../support/server.js';

let s: TestServer;
const NS = '/providers/TrustedLaunch.Platform';

const upload = (bytes: Uint8Array, name: string) => uploadImageFile(s, bytes, name);

beforeAll(async () => {
  s = await startServer();
});

afterAll(() => s?.stop());

describe('PUT nodeImages', () => {
  it('refuses a shim, grub and kernel that are not PE/COFF images (400, each named in details) and defines no image', async () => {
    const pe = new Uint8Array(0x200);
    pe.set([0x4d, 0x5a]); // MZ, with e_lfanew pointing nowhere useful
    const shim = await upload(pe, 'shimx64.efi');
    const grub = await upload(pe, 'grubx64.efi');
    const kernel = await upload(new TextEncoder().encode('an ELF vmlinux is not an EFI application\n'.repeat(4)), 'vmlinuz-6.1.0-31-amd64');
    const r = await armRequest(s, 'PUT', `${NS}/nodeImages/garbage?${P}`, { properties: { shim, bootloader: grub, kernel } });
    expect(r.status, r.text).toBe(400);
    expect(r.json.error.code).toBe('InvalidParameter');
    expect(r.json.error.target).toBe('shim');
    expect(r.json.error.details.map((d: { target: string }) => d.target)).toEqual(['shim', 'bootloader', 'kernel']);
    expect(r.json.error.details[2].message).toMatch(/^properties\.kernel \(vmlinuz-6\.1\.0-31-amd64\) does not parse as a PE\/COFF image: PE: no MZ signature/);
    expect((await armRequest(s, 'GET', `${NS}/nodeImages/garbage?${P}`)).status).toBe(404);
    expect((await armRequest(s, 'GET', `${NS}/nodeImages?${P}`)).json.value.map((i: { name: string }) => i.name)).not.toContain('garbage');
  });
});
