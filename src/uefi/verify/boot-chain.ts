/**
 * The Secure Boot chain of a Linux Gen2 VM, component by component, as the firmware, shim and
 * the kernel decide it:
 *
 *  1. firmware (edk2): shim against db/dbx;
 *  2. shim: reads its embedded vendor certificate, vendor dbx and SBAT levels; the effective
 *     SbatLevel is the newer of the SbatLevel variable and shim's own ("previous" by default,
 *     "latest" when SbatPolicy asks for it);
 *  3. shim: the boot loader (grub) against deny = dbx + vendor dbx + MokListX and
 *     allow = db + MokList + vendor certificate, with SBAT required;
 *  4. shim (through the shim_lock protocol grub calls): the kernel, same lists, SBAT checked
 *     when present but not required (shim's verify_sbat_section `in_protocol`);
 *  5. kernel: each module against the built-in keys plus — Debian's db-mok-keyring patches —
 *     the platform keyring (db, MokList), denied by dbx/MokListX hashes and certificates.
 *
 * The first refused component stops the boot: its name and reason are what an operator needs
 * ("verify which boot components are responsible for Secure Boot failures").
 */
import { isTlError } from '../../core/errors.js';
import { verifyModule, type ModuleVerdict } from '../kmod/module-signature.js';
import { newerSbatLevel, type SbatLevel } from '../shim/sbat.js';
import { readShim } from '../shim/vendor-cert.js';
import { emptyDatabase, type SignatureDatabase } from '../sigdb/database.js';
import type { ImageVerdict } from './verdict.js';
import { firmwarePolicy, verifyImage } from './verify-image.js';
import type { VerificationCache } from './memo.js';

// Shared empty lists, so memoised policies keep one identity (verify/memo.ts).
const NO_MOKLIST = emptyDatabase('MokList');
const NO_MOKLISTX = emptyDatabase('MokListX');
const NO_KERNEL_KEYS = emptyDatabase('kernel built-in keys');

export interface FirmwareTrust {
  readonly db: SignatureDatabase;
  readonly dbx: SignatureDatabase;
  readonly MokList?: SignatureDatabase;
  readonly MokListX?: SignatureDatabase;
  readonly SbatLevel?: SbatLevel | undefined;
}

export interface BootChainInput {
  readonly trust: FirmwareTrust;
  readonly shim: Uint8Array;
  readonly bootloader: Uint8Array;
  readonly kernel: Uint8Array;
  readonly modules?: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  /** The kernel's built-in keys (see kmod/kernel-keys.ts). */
  readonly kernelKeys?: SignatureDatabase;
  readonly sbatPolicy?: 'previous' | 'latest';
  readonly names?: { readonly shim?: string; readonly bootloader?: string; readonly kernel?: string };
}

export type StageVerdict = (ImageVerdict & { readonly stage: 'shim' | 'bootloader' | 'kernel'; readonly verifiedBy: string }) | (ModuleVerdict & { readonly stage: 'module'; readonly verifiedBy: string });

export interface BootChainVerdict {
  readonly allowed: boolean;
  /** The component that stopped the boot, if any. */
  readonly failedComponent?: string;
  readonly reason: string;
  readonly stages: readonly StageVerdict[];
  readonly sbatLevel?: SbatLevel;
}

/** Pass a cache (verify/memo.ts) to share verdicts between nodes that boot identical bytes. */
export function verifyBootChain(input: BootChainInput, cache?: VerificationCache): BootChainVerdict {
  const verify = cache ? cache.verifyImage : verifyImage;
  const shimOf = cache ? cache.readShim : readShim;
  const t = input.trust;
  const names = { shim: input.names?.shim ?? 'shimx64.efi', bootloader: input.names?.bootloader ?? 'grubx64.efi', kernel: input.names?.kernel ?? 'vmlinuz' };
  const stages: StageVerdict[] = [];
  const stop = (component: string, reason: string, sbatLevel?: SbatLevel): BootChainVerdict => ({
    allowed: false,
    failedComponent: component,
    reason: `${component}: ${reason}`,
    stages,
    ...(sbatLevel ? { sbatLevel } : {}),
  });

  const shimV = verify(input.shim, firmwarePolicy(t.db, t.dbx), { component: names.shim });
  stages.push({ ...shimV, stage: 'shim', verifiedBy: 'UEFI firmware (db/dbx)' });
  if (!shimV.allowed) return stop(names.shim, shimV.reason);

  let shim;
  try {
    shim = shimOf(input.shim);
  } catch (e) {
    if (!isTlError(e)) throw e;
    return stop(names.shim, `its embedded vendor data is malformed: ${e.message}`);
  }
  const embedded = shim.sbatLevels ? (input.sbatPolicy === 'latest' ? shim.sbatLevels.latest : shim.sbatLevels.previous) : undefined;
  const level = newerSbatLevel(t.SbatLevel, embedded);
  const mok = t.MokList ?? NO_MOKLIST;
  const mokx = t.MokListX ?? NO_MOKLISTX;
  const allow = [t.db, mok, shim.vendorDb];
  const deny = [t.dbx, shim.vendorDbx, mokx];
  const sbat = (requireSection: boolean) => (level ? { sbat: { level, requireSection } } : {});

  const loaderV = verify(input.bootloader, { allow, deny, ...sbat(true) }, { component: names.bootloader });
  stages.push({ ...loaderV, stage: 'bootloader', verifiedBy: 'shim' });
  if (!loaderV.allowed) return stop(names.bootloader, loaderV.reason, level);

  const kernelV = verify(input.kernel, { allow, deny, ...sbat(false) }, { component: names.kernel });
  stages.push({ ...kernelV, stage: 'kernel', verifiedBy: 'shim (shim_lock protocol, called by the boot loader)' });
  if (!kernelV.allowed) return stop(names.kernel, kernelV.reason, level);

  const keyring = { trusted: [input.kernelKeys ?? NO_KERNEL_KEYS, t.db, mok], denied: [t.dbx, mokx] };
  const checkModule = cache ? cache.verifyModule : verifyModule;
  for (const m of input.modules ?? []) {
    const v = checkModule(m.bytes, keyring, m.name);
    stages.push({ ...v, stage: 'module', verifiedBy: 'kernel (module signature enforcement)' });
    if (!v.allowed) return stop(m.name, v.reason, level);
  }
  const n = input.modules?.length ?? 0;
  return { allowed: true, reason: `every component is signed by a trusted key: ${names.shim}, ${names.bootloader}, ${names.kernel}${n ? ` and ${n} module${n === 1 ? '' : 's'}` : ''}`, stages, ...(level ? { sbatLevel: level } : {}) };
}
