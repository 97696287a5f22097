/**
 * Integrity findings against the image's reference values, one per tamper component of the
 * chaos face (src/platform/boot/tamper.ts), on real boots into real vTPMs: each names the
 * component with the expected (image) and actual (measured) values. Secure Boot is off here so
 * that every tampered component boots (with it on, shim, grub and the kernel are refused).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from './findings.js';
import { parsePolicy } from './policy/document.js';
import type { VerifyResult } from './verify.js';
import { attestationFixture, type Fixture } from './test-support/fixture.js';

let f: Fixture;
const audit = parsePolicy({ secureBoot: 'audit' });

beforeAll(async () => {
  f = await attestationFixture();
}, 60_000);

async function attest(name: string, tamper: Parameters<Fixture['node']>[1] = {}) {
  const n = await f.node(name, tamper);
  return { n, r: f.check(await f.evidence(n), { policy: audit }) };
}

const failing = (r: VerifyResult): Finding[] => r.findings.filter((x) => !x.suppressed);

describe('integrity findings name the component', () => {
  it('Secure Boot off: secureboot.disabled, failing by default and suppressed (reported) in audit mode', async () => {
    const n = await f.node('sb-off', { secureBoot: false });
    const e = await f.evidence(n);
    const strict = f.check(e);
    expect(strict.findings.map((x) => [x.id, x.component, x.expected, x.actual, !!x.suppressed])).toEqual([['secureboot.disabled', 'SecureBoot', '1 (enabled)', '0 (disabled)', false]]);
    expect(strict.verdict).toBe('Unhealthy');
    const audited = f.check(await f.evidence(n), { policy: audit });
    expect(audited.verdict).toBe('Healthy');
    expect(audited.findings.map((x) => [x.id, x.suppressed])).toEqual([['secureboot.disabled', true]]);
    expect(audited.claims).toMatchObject({ secureboot: false });
  });

  it.each([
    ['shim', 'boot.shim.authenticode_mismatch', 'shimx64.efi'],
    ['grub', 'boot.bootloader.authenticode_mismatch', 'grubx64.efi'],
  ] as const)('a patched %s: %s naming %s with both Authenticode digests', async (component, id, name) => {
    const { r } = await attest(`t-${component}`, { secureBoot: false, tamper: [component] });
    const ref = f.refs.bootApplications.find((a) => a.name === name)!;
    expect(failing(r).map((x) => [x.id, x.component, x.expected])).toEqual([[id, name, ref.authenticodeSha256]]);
    expect(failing(r)[0]!.actual).toMatch(/^[0-9a-f]{64}$/);
    expect(failing(r)[0]!.actual).not.toBe(ref.authenticodeSha256);
  });

  it('a patched kernel: boot.kernel.authenticode_mismatch and the file grub read (PCR 9, attested through boot_aggregate)', async () => {
    const { r } = await attest('t-kernel', { secureBoot: false, tamper: ['kernel'] });
    expect(failing(r).map((x) => [x.id, x.component])).toEqual([
      ['boot.kernel.authenticode_mismatch', 'vmlinuz-5.15.0-1079-azure'],
      ['boot.kernel.file_mismatch', 'vmlinuz-5.15.0-1079-azure'],
    ]);
  });

  it('a replaced module: module.untrusted naming it, with the image\'s digest expected', async () => {
    const { n, r } = await attest('t-module', { secureBoot: true, tamper: ['module'] });
    expect(n.boot.modules.find((m) => m.name === 'hv_vmbus.ko')).toMatchObject({ loaded: false });
    const ref = f.refs.modules.find((m) => m.name === 'hv_vmbus.ko')!;
    expect(failing(r).map((x) => [x.id, x.component, x.expected, x.actual])).toEqual([['module.untrusted', 'hv_vmbus.ko', ref.sha256, n.boot.modules.find((m) => m.name === 'hv_vmbus.ko')!.sha256]]);
    expect(failing(r)[0]!.message).toMatch(/the module was replaced/);
    // The policy's allow-list accepts it.
    const allow = parsePolicy({ allowedModules: [{ name: 'hv_vmbus.ko', sha256: n.boot.modules.find((m) => m.name === 'hv_vmbus.ko')!.sha256 }] });
    expect(f.check(await f.evidence(n), { policy: allow }).verdict).toBe('Healthy');
  });

  it('a rootkit on the command line (Secure Boot on: it boots): kernel.cmdline_modified with the difference', async () => {
    const { r } = await attest('t-cmdline', { secureBoot: true, tamper: ['cmdline'] });
    expect(failing(r).map((x) => x.id)).toEqual(['kernel.cmdline_modified']);
    expect(failing(r)[0]).toMatchObject({ component: 'kernel command line', expected: f.refs.kernelCmdline, actual: `${f.refs.kernelCmdline} init=/usr/lib/.x/rk module.sig_enforce=0` });
    expect(failing(r)[0]!.message).toBe("The kernel command line differs from the image's (added init=/usr/lib/.x/rk module.sig_enforce=0).");
  });

  it("an attacker's certificate in db (Secure Boot on: it boots): secureboot.db_modified naming the certificate", async () => {
    const { r } = await attest('t-db', { secureBoot: true, tamper: ['db'] });
    expect(failing(r).map((x) => [x.id, x.component, x.expected])).toEqual([['secureboot.db_modified', 'db', f.refs.secureBootVariables.db.sha256]]);
    expect(failing(r)[0]!.message).toBe('db differs from the image\'s: 1 entry the image does not have: "CN = Evil Bootkit Signing CA".');
    expect(r.claims).toMatchObject({ 'x-ms-azurevm-dbvalidated': false, 'x-ms-azurevm-dbxvalidated': true, 'x-ms-azurevm-default-securebootkeysvalidated': false });
  });

  it('dbx rolled back (Secure Boot on: it boots): secureboot.dbx_modified counting the missing revocations', async () => {
    const { r } = await attest('t-dbx', { secureBoot: true, tamper: ['dbx'] });
    expect(failing(r).map((x) => [x.id, x.component])).toEqual([['secureboot.dbx_modified', 'dbx']]);
    expect(failing(r)[0]!.message).toMatch(/^dbx lacks 1 of the image's 1 revocation \(rolled back\): [0-9a-f]{16}…\.$/);
    expect(failing(r)[0]!.actual).toMatch(/^0 entries/);
    expect(r.claims).toMatchObject({ 'x-ms-azurevm-dbxvalidated': false });
  });

  it('without reference values (evidence from elsewhere) only the state checks apply', async () => {
    const n = await f.node('no-refs', { secureBoot: false, tamper: ['kernel'] });
    const r = f.check(await f.evidence(n), { refs: undefined });
    expect(r.findings.map((x) => x.id)).toEqual(['secureboot.disabled']);
  });
});
