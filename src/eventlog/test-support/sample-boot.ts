/**
 * A realistic emulated-boot spec for tests and benches, made from a real machine's measurements:
 * the Secure Boot databases, Authenticode digests and grub/kernel facts of keylime's
 * `binary_bios_measurements-secureboot` (SHA-256 only; SHA-1 digests are derived so the spec also
 * serves two-bank logs).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dp, MICROSOFT_SIGNATURE_OWNER_GUID } from '../../core/efi/index.js';
import { TPM_ALG_SHA1, TPM_ALG_SHA256 } from '../../core/hash.js';
import type { EmulatedBootSpec } from '../builder/emulated-boot.js';
import { decodeEvent } from '../decode/index.js';
import { EV_EFI_BOOT_SERVICES_APPLICATION, EV_EFI_VARIABLE_AUTHORITY, EV_EFI_VARIABLE_DRIVER_CONFIG } from '../event-types.js';
import { parseEventLog } from '../parse.js';
import { KEYLIME } from './corpus.js';

const sha = (alg: string, b: Uint8Array | string): Uint8Array => new Uint8Array(createHash(alg).update(b).digest());

/** Per-bank digests for a SHA-256 value taken from the real log (SHA-1 derived from it deterministically). */
function both(sha256: Uint8Array): Record<number, Uint8Array> {
  return { [TPM_ALG_SHA256]: sha256, [TPM_ALG_SHA1]: sha('sha1', sha256) };
}

export function sampleBootSpec(grubCommandCount = 64): EmulatedBootSpec {
  const log = parseEventLog(new Uint8Array(readFileSync(`${KEYLIME}/binary_bios_measurements-secureboot`)));
  const vars = new Map<string, Uint8Array>();
  const apps: Uint8Array[] = [];
  let dbAuthority: { owner: string; data: Uint8Array } | undefined;
  for (const e of log.events) {
    const d = decodeEvent(e);
    if (e.eventType === EV_EFI_VARIABLE_DRIVER_CONFIG && d.kind === 'variable') vars.set(d.variable.UnicodeName, d.variable.VariableData.slice());
    if (e.eventType === EV_EFI_BOOT_SERVICES_APPLICATION) apps.push(e.digests.find((x) => x.algId === TPM_ALG_SHA256)!.digest.slice());
    if (e.eventType === EV_EFI_VARIABLE_AUTHORITY && d.kind === 'variable' && d.value.kind === 'signatureData' && !dbAuthority) {
      dbAuthority = { owner: d.value.signature.SignatureOwner, data: d.value.signature.SignatureData.slice() };
    }
  }
  const esp = dp.hardDriveGpt(1, 2048n, 204800n, '6ea6f740-25ef-4269-838d-1a6f21ebf27f');
  const disk = [dp.pciRoot(0), dp.pci(3, 0), dp.scsi(0, 0)];
  const path = (p: string) => Uint8Array.from([...disk, esp, dp.filePath(p), Uint8Array.of(0x7f, 0xff, 4, 0)].flatMap((x) => [...x]));
  const fileDigests = (name: string) => both(sha('sha256', name));
  return {
    firmwareVersion: 'Hyper-V UEFI Release v4.1',
    firmwareVolumes: [
      { base: 0xffc00000n, length: 0x200000n, digests: both(sha('sha256', 'fv-main')) },
      { base: 0xffe00000n, length: 0x200000n, digests: both(sha('sha256', 'fv-sec')) },
    ],
    secureBoot: true,
    pk: vars.get('PK') ?? new Uint8Array(0),
    kek: vars.get('KEK') ?? new Uint8Array(0),
    db: vars.get('db') ?? new Uint8Array(0),
    dbx: vars.get('dbx') ?? new Uint8Array(0),
    bootOrder: [1, 0],
    bootOptions: [
      { number: 1, description: 'ubuntu', devicePath: path('\\EFI\\ubuntu\\shimx64.efi') },
      { number: 0, description: 'UiApp', devicePath: Uint8Array.from([...dp.firmwareVolume('7cb8bdc9-f8eb-4f34-aaea-3ee4af6516a1'), ...dp.firmwareFile('462caa21-7614-4503-836e-8ab6f4662331'), 0x7f, 0xff, 4, 0]) },
    ],
    shim: {
      authenticode: both(apps[0]!), length: 955_656n, location: 0x7e0f0000n, devicePath: path('\\EFI\\ubuntu\\shimx64.efi'),
      authority: dbAuthority ? { variable: 'db', owner: dbAuthority.owner, data: dbAuthority.data } : { variable: 'db', owner: MICROSOFT_SIGNATURE_OWNER_GUID, data: sha('sha256', 'x') },
    },
    sbatLevel: 'sbat,1,2022052400\ngrub,2\n',
    mok: { mokList: sha('sha256', 'MokList'), mokListX: sha('sha256', 'MokListX') },
    grub: {
      authenticode: both(apps[1] ?? sha('sha256', 'grub')), length: 2_541_384n, devicePath: Uint8Array.from([...dp.filePath('\\EFI\\ubuntu\\grubx64.efi'), 0x7f, 0xff, 4, 0]),
      authority: { variable: 'Shim', owner: '605dab50-e046-4300-abb6-3dd810dd8b23', data: sha('sha256', 'canonical-cert') },
    },
    grubCommands: Array.from({ length: grubCommandCount }, (_, i) => (i === 0 ? 'set root=hd0,gpt1' : `[ -e /boot/grub/step${i} ]`)),
    grubFiles: [{ path: '(hd0,gpt1)/boot/grub/grub.cfg', digests: fileDigests('grub.cfg') }],
    kernel: {
      path: '/boot/vmlinuz-6.1.0-13-cloud-amd64',
      fileDigests: fileDigests('vmlinuz'),
      authenticode: both(apps[2] ?? sha('sha256', 'kernel')),
      length: 7_802_848n,
      authority: { variable: 'Shim', owner: '605dab50-e046-4300-abb6-3dd810dd8b23', data: sha('sha256', 'canonical-cert') },
    },
    cmdline: 'root=UUID=68a3fb48-331d-433e-a3a7-10e0f6c8c3b3 ro console=ttyS0 quiet',
    initrd: { path: '/boot/initrd.img-6.1.0-13-cloud-amd64', digests: fileDigests('initrd') },
  };
}
