/**
 * The chaos face (`tl vm tamper`): what a rootkit does to a VM's disk or UEFI variables. A
 * tamper is recorded per VM and takes effect at its next boot; a reimage restores the image.
 *
 *   shim | grub | kernel — one byte inside a code section changes (a patched boot loader/kernel):
 *                          Secure Boot refuses it; measured boot records a different digest.
 *   module               — a kernel module is replaced by an unsigned one with the same name:
 *                          the kernel refuses it under Secure Boot (the VM still boots); IMA measures it.
 *   cmdline              — the kernel command line gains `init=`/`module.sig_enforce=0`: grub.cfg is
 *                          not signed, so only measured boot (PCR 8) sees it.
 *   db                   — an attacker's certificate is enrolled in db: boots; PCR 7 records it.
 *   dbx                  — dbx is rolled back (emptied): boots; PCR 7 records it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { encodeName, ext, issueCertificate } from '../../core/asn1/index.js';
import { concat, utf8 } from '../../core/bytes.js';
import { isTlError } from '../../core/errors.js';
import { EFI_CERT_X509_GUID, encodeSignatureList } from '../../core/efi/index.js';
import { parsePeFile } from '../../uefi/index.js';
import { invalid } from '../errors.js';

export const TAMPER_COMPONENTS = ['shim', 'grub', 'kernel', 'module', 'cmdline', 'db', 'dbx'] as const;
export type TamperComponent = (typeof TAMPER_COMPONENTS)[number];

export interface Tamper {
  readonly components: readonly TamperComponent[];
  /** For `module`: which module is replaced (default: the first the image loads). */
  readonly module?: string;
  readonly at: number;
}

export const TAMPER_KIND = 'vmTamper';
export const ROOTKIT_CMDLINE = ' init=/usr/lib/.x/rk module.sig_enforce=0';

export function parseTamperComponent(c: string): TamperComponent {
  if (!(TAMPER_COMPONENTS as readonly string[]).includes(c)) {
    throw invalid('InvalidParameter', `Unknown tamper component '${c}'. Use one of: ${TAMPER_COMPONENTS.join(', ')}.`, 'component');
  }
  return c as TamperComponent;
}

/**
 * A copy of a PE image with one byte changed inside its first section (covered by Authenticode).
 * Bytes that are not a PE image (a stored image that bypassed import checks) get a byte changed
 * all the same: the boot then fails to load them, as it would untampered.
 */
export function patchImage(bytes: Uint8Array): Uint8Array {
  let at = 0x40;
  try {
    const s = parsePeFile(bytes).sections[0];
    if (s) at = s.pointerToRawData + Math.min(1, s.sizeOfRawData - 1);
  } catch (e) {
    if (!isTlError(e)) throw e;
  }
  const out = bytes.slice();
  if (at < out.length) out[at] = (out[at]! ^ 0x5a) & 0xff;
  return out;
}

/** An unsigned "rootkit" module carrying `name`. */
export function rootkitModule(name: string): Uint8Array {
  return new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...utf8(`rootkit hiding as ${name}`)]);
}

let attacker: Uint8Array | undefined;
/** The attacker's certificate a rootkit enrolls into db (made once per process). */
export function attackerDbEntry(): Uint8Array {
  if (!attacker) {
    const kp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const name = encodeName([['CN', 'Evil Bootkit Signing CA']]);
    const cert = issueCertificate({ serialNumber: 666n, issuer: name, subject: name, notBefore: new Date('2024-01-01'), notAfter: new Date('2049-01-01'), publicKey: kp.publicKey, extensions: [ext.basicConstraints(true)] }, kp.privateKey);
    attacker = encodeSignatureList({ SignatureType: EFI_CERT_X509_GUID, Signatures: [{ SignatureOwner: '00000000-0000-0000-0000-00000000dead', SignatureData: cert }] });
  }
  return attacker;
}

export function tamperedDb(db: Uint8Array): Uint8Array {
  return concat(db, attackerDbEntry());
}
