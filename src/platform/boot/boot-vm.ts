/**
 * One boot of a Generation 2 VM: UEFI firmware → shim → grub → Linux → kernel modules, verified
 * by Secure Boot when it is on and measured into the vTPM when there is one (the document:
 * "apenas sistemas operacionais e drivers assinados possam ser inicializados"; "o vTPM … medindo
 * toda a cadeia de inicialização da sua VM (UEFI, SO, sistema e drivers)").
 *
 * Steps (the order real edk2 firmware, shim 15 and grub 2.06 log them; TCG PC Client PFP §3.3.4):
 *   1. power-on at locality 3 (StartupLocality event); firmware measures itself into PCR 0,
 *      the Secure Boot variables into PCR 7, the boot variables into PCR 1, separators 0–7,
 *   2. firmware verifies shim against db/dbx (Secure Boot) and measures it into PCR 4 (and the
 *      db entry that allowed it into PCR 7),
 *   3. shim measures SbatLevel (PCR 7) and MokList/MokListX (PCR 14), verifies grub with its
 *      vendor certificate, MOK and SBAT, measures it (PCR 4, authority in PCR 7),
 *   4. grub measures its commands (PCR 8) and the kernel file (PCR 9); shim verifies the kernel
 *      (shim_lock), measures it (PCR 4), grub measures the command line (PCR 8) and initrd (PCR 9),
 *   5. firmware measures ExitBootServices (PCR 5),
 *   6. the kernel starts IMA (boot_aggregate over PCRs 0–9 into PCR 10) and loads modules: each is
 *      measured by IMA and, with Secure Boot, refused on its own when its signature fails.
 * A refusal in steps 2–4 stops the boot: the result names the component, its signer and why. So
 * does a component that is not a PE/COFF image: with Secure Boot on, verification refuses it; with
 * it off, the loader (firmware LoadImage, shim, grub) cannot load it.
 */
import { isTlError } from '../../core/errors.js';
import { hash, TPM_ALG_SHA1, TPM_ALG_SHA256 } from '../../core/hash.js';
import { EFI_IMAGE_SECURITY_DATABASE_GUID, SHIM_LOCK_GUID, dp, encodeDevicePath, encodeLoadOption, LOAD_OPTION_ACTIVE } from '../../core/efi/index.js';
import { EventLogBuilder, ima, type AppendedEvent, type PcrValues } from '../../eventlog/index.js';
import {
  authenticodeDigest,
  authorityEntry,
  databaseFromSignatureLists,
  emptyDatabase,
  parsePeFile,
  verifyBootChain,
  type ImageVerdict,
  type SignatureDatabase,
  type VerificationCache,
} from '../../uefi/index.js';
import type { LoadedImage } from '../images/service.js';
import { KERNEL_VERSION } from '../images/build.js';
import { SerialConsole, firmwareRefusal } from './serial-console.js';
import { patchImage, rootkitModule, ROOTKIT_CMDLINE, tamperedDb, type Tamper } from './tamper.js';

/** What the boot needs from the VM's TPM: PCR_Extend of one digest per bank (TPM 2.0 Part 3 §22.2). */
export interface MeasuringTpm {
  extend(pcr: number, digests: readonly { readonly algId: number; readonly digest: Uint8Array }[]): Promise<void>;
}

export interface VmBootInput {
  readonly vmName: string;
  readonly secureBoot: boolean;
  /** The VM's vTPM, already powered on at locality 3; absent when vTPM is off. */
  readonly tpm?: MeasuringTpm;
  readonly image: LoadedImage;
  readonly tamper?: Tamper | undefined;
  /** Load the GPU vendor's driver (GPU sizes unless the pool skips the driver install). */
  readonly gpuDriver: boolean;
  readonly cache: VerificationCache;
}

export interface ModuleLoad {
  readonly name: string;
  readonly loaded: boolean;
  readonly reason: string;
  readonly signer?: string;
  readonly sha256: string;
}

export interface VmBootResult {
  readonly ok: boolean;
  /** `SecureBoot`: verification refused the component; `LoadError`: it is not a loadable PE/COFF image. */
  readonly failure?: { readonly kind: 'SecureBoot' | 'LoadError'; readonly component: string; readonly stage: Stage; readonly signer?: string; readonly reason: string };
  readonly serialLog: string;
  /** The TCG PC Client event log (binary_bios_measurements), when the VM has a vTPM. */
  readonly eventLog?: Uint8Array;
  /** IMA binary_runtime_measurements, when the VM has a vTPM and the kernel ran. */
  readonly imaLog?: Uint8Array;
  /** PCR values the log replays to (what the vTPM must report). */
  readonly pcrs?: PcrValues;
  readonly modules: readonly ModuleLoad[];
  /** Authenticode SHA-256 digests of the boot applications that ran, for reference values. */
  readonly applications: readonly { readonly stage: string; readonly name: string; readonly sha256: string }[];
}

type Stage = 'shim' | 'bootloader' | 'kernel';

export const BANKS = [TPM_ALG_SHA1, TPM_ALG_SHA256] as const;
export const FIRMWARE_VERSION = 'Hyper-V UEFI Release v4.1';
/** The firmware volume the platform's UEFI measures into PCR 0 (its code: fixed per release). */
const FIRMWARE_CODE = new TextEncoder().encode(`${FIRMWARE_VERSION} firmware volume (Trusted Launch platform)`);
const ESP_PARTITION = '3cd8e3a0-2a1f-4a0b-8fd2-6a1b2c3d4e5f';
const shimPath = '\\EFI\\ubuntu\\shimx64.efi';

const authenticodeCache = new WeakMap<Uint8Array, Record<number, Uint8Array>>();
/** Authenticode digests (SHA-1 and SHA-256) of a PE image, computed once per buffer. */
function authenticode(bytes: Uint8Array): Record<number, Uint8Array> {
  let d = authenticodeCache.get(bytes);
  if (!d) {
    const pe = parsePeFile(bytes);
    d = { [TPM_ALG_SHA1]: authenticodeDigest(pe, 'sha1'), [TPM_ALG_SHA256]: authenticodeDigest(pe, 'sha256') };
    authenticodeCache.set(bytes, d);
  }
  return d;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const NO_MOK = emptyDatabase('MokList');
const NO_MOKX = emptyDatabase('MokListX');

export async function bootVm(i: VmBootInput): Promise<VmBootResult> {
  const con = new SerialConsole();
  const t = new Set(i.tamper?.components ?? []);
  const img = i.image;
  const shim = t.has('shim') ? patchImage(img.shim) : img.shim;
  const grub = t.has('grub') ? patchImage(img.bootloader) : img.bootloader;
  const kernel = t.has('kernel') ? patchImage(img.kernel) : img.kernel;
  const cmdline = t.has('cmdline') ? img.meta.cmdline + ROOTKIT_CMDLINE : img.meta.cmdline;
  const dbBytes = t.has('db') ? tamperedDb(img.firmware.db) : img.firmware.db;
  const dbxBytes = t.has('dbx') ? new Uint8Array(0) : img.firmware.dbx;
  // The same database objects for untampered VMs keep Secure Boot verdicts memoised across nodes.
  const db: SignatureDatabase = t.has('db') ? databaseFromSignatureLists('db', dbBytes) : img.trust.db;
  const dbx: SignatureDatabase = t.has('dbx') ? emptyDatabase('dbx') : img.trust.dbx;

  // File names as the image carries them (the platform's, or an imported chain's such as Debian's).
  const names = { shim: img.meta.shim.name.replace(/\.signed$/, ''), bootloader: img.meta.bootloader.name.replace(/\.signed$/, ''), kernel: img.meta.kernel.name.replace(/\.signed$/, '') };
  const kernelVersion = names.kernel.match(/^vmlinuz-(.+)$/)?.[1] ?? KERNEL_VERSION;
  const log = i.tpm ? new EventLogBuilder({ banks: BANKS }) : undefined;
  const extend = async (e: AppendedEvent | undefined) => {
    if (e && i.tpm && e.eventType !== 0x3 /* EV_NO_ACTION */) await i.tpm.extend(e.pcrIndex, e.digests);
  };
  const applications: { stage: string; name: string; sha256: string }[] = [];

  // 1. Firmware
  con.raw(`${FIRMWARE_VERSION}`).raw(`Secure Boot: ${i.secureBoot ? 'enabled' : 'disabled'}; TPM 2.0: ${i.tpm ? 'present' : 'not present'}`);
  if (log) {
    log.startupLocality(3);
    await extend(log.sCrtmVersion(FIRMWARE_VERSION));
    await extend(log.firmwareBlob(0, 0xffc00000n, BigInt(FIRMWARE_CODE.length), (alg) => hash(alg, FIRMWARE_CODE)));
    await extend(log.secureBootVariable('SecureBoot', Uint8Array.of(i.secureBoot ? 1 : 0)));
    await extend(log.secureBootVariable('PK', img.firmware.PK));
    await extend(log.secureBootVariable('KEK', img.firmware.KEK));
    await extend(log.secureBootVariable('db', dbBytes));
    await extend(log.secureBootVariable('dbx', dbxBytes));
    await extend(log.separator(7));
    await extend(log.bootVariable('BootOrder', Uint8Array.of(0, 0)));
    const espPath = encodeDevicePath([dp.pciRoot(0), dp.vendorHardware('f912ad6d-2b17-48ea-bd4f-3ac53a0a1cee'), dp.scsi(0, 0), dp.hardDriveGpt(15, 2048n, 227328n, ESP_PARTITION), dp.filePath(shimPath)]);
    await extend(log.bootVariable('Boot0000', encodeLoadOption({ Attributes: LOAD_OPTION_ACTIVE, Description: 'ubuntu', FilePathList: espPath })));
    await extend(log.efiAction(4, 'Calling EFI Application from Boot Option'));
    for (let pcr = 0; pcr <= 6; pcr++) await extend(log.separator(pcr));
  }

  // Secure Boot verdicts for the chain (pure and memoised: identical bytes are verified once).
  const chain = i.secureBoot
    ? verifyBootChain({ trust: { db, dbx }, shim, bootloader: grub, kernel, names }, i.cache)
    : undefined;
  const verdict = (stage: Stage) => chain?.stages.find((s) => s.stage === stage) as (ImageVerdict & { stage: string }) | undefined;
  const shimInfo = i.secureBoot ? safe(() => i.cache.readShim(shim)) : undefined;
  const logged = new Set<string>();
  const authority = async (v: ImageVerdict | undefined) => {
    if (!log || !v?.authority) return;
    const entry = authorityEntry(v.authority, [db, ...(shimInfo ? [shimInfo.vendorDb] : []), NO_MOK]);
    if (!entry) return;
    const k = `${entry.database}:${hex(entry.data)}`;
    if (logged.has(k)) return; // each authority is logged once (PFP §10.4.4)
    logged.add(k);
    // One EFI_SIGNATURE_DATA (owner ‖ entry) per authority (PFP §10.4.4; UEFI 2.10 §32.4.1): the builder adds the owner.
    await extend(log.variableAuthority(entry.database === 'db' ? 'db' : 'Shim', entry.database === 'db' ? EFI_IMAGE_SECURITY_DATABASE_GUID : SHIM_LOCK_GUID, entry.owner, entry.data));
  };
  const stop = (failure: NonNullable<VmBootResult['failure']>): VmBootResult => ({
    ok: false,
    failure,
    serialLog: con.text(),
    ...(log ? { eventLog: log.bytes(), pcrs: log.pcrs() } : {}),
    modules: [],
    applications,
  });
  const refuse = (stage: Stage, v: ImageVerdict): VmBootResult =>
    stop({ kind: 'SecureBoot', component: v.component, stage, ...(v.signer ? { signer: v.signer } : {}), reason: v.reason });
  /** Measure and "run" a boot application; undefined when it is not a PE/COFF image (nothing is measured). */
  const app = async (stage: Stage, name: string, bytes: Uint8Array): Promise<{ stage: Stage; name: string; reason: string } | undefined> => {
    let digests;
    try {
      digests = authenticode(bytes);
    } catch (e) {
      if (!isTlError(e)) throw e;
      return { stage, name, reason: `not a valid PE/COFF image: ${e.message}` };
    }
    applications.push({ stage, name, sha256: hex(digests[TPM_ALG_SHA256]!) });
    if (log) await extend(log.bootApplication(digests, { length: BigInt(bytes.length) }));
    return undefined;
  };
  const loadError = (f: { stage: Stage; name: string; reason: string }): VmBootResult => stop({ kind: 'LoadError', component: f.name, stage: f.stage, reason: f.reason });

  // 2. Firmware → shim
  const shimV = verdict('shim');
  if (shimV && !shimV.allowed) {
    for (const l of firmwareRefusal(shimPath, shimV.reason, shimV.signer)) con.raw(l);
    return refuse('shim', shimV);
  }
  await authority(shimV);
  const shimErr = await app('shim', names.shim, shim);
  if (shimErr) {
    // Hyper-V Gen2 firmware's boot summary when LoadImage fails (EFI_UNSUPPORTED, UEFI 2.10 §7.4).
    con.raw('Virtual Machine Boot Summary').raw('').raw('1. SCSI Disk (0,0)    The boot loader did not load an operating system.').raw('');
    con.raw(`   ${shimPath}: ${shimErr.reason}`).raw('').raw('No operating system was loaded. Your virtual machine may be configured incorrectly.');
    return loadError(shimErr);
  }

  // 3. shim → grub
  if (log) {
    if (chain?.sbatLevel) await extend(log.sbatLevel(`sbat,1,${chain.sbatLevel.datestamp}\n${chain.sbatLevel.entries.map((e) => `${e.component},${e.generation}`).join('\n')}\n`));
    await extend(log.shimMokVariable('MokList', new Uint8Array(0)));
    await extend(log.shimMokVariable('MokListX', new Uint8Array(0)));
  }
  const grubV = verdict('bootloader');
  if (grubV && !grubV.allowed) {
    con.raw(`Verification failed: (0x1A) Security Violation`).raw(`shim: ${names.bootloader}: ${grubV.reason}${grubV.signer ? ` (signer: ${grubV.signer})` : ''}`).raw('Failed to load image: Security Violation').raw('start_image() returned Security Violation');
    return refuse('bootloader', grubV);
  }
  await authority(grubV);
  const grubErr = await app('bootloader', names.bootloader, grub);
  if (grubErr) {
    // shim's handle_image: read_header() fails with EFI_UNSUPPORTED.
    con.raw(`shim: ${names.bootloader}: ${grubErr.reason}`).raw('Failed to read header: Unsupported').raw('Failed to load image: Unsupported').raw('start_image() returned Unsupported');
    return loadError(grubErr);
  }
  con.raw('GNU GRUB  version 2.06');

  // 4. grub → kernel
  // grub measures each command before running it (PCR 8, "grub_cmd: "); running `linux` reads the
  // kernel (PCR 9) and measures the command line it will pass (PCR 8, "kernel_cmdline: ") right
  // after (grub-core/commands/tpm.c, loader/i386/efi/linux.c); `initrd` then reads the initrd.
  const kernelPath = img.meta.kernelPath;
  const commands = img.meta.grubCommands.map((c) => (c.startsWith('linux ') ? `linux ${kernelPath} ${cmdline}` : c.startsWith('initrd ') ? `initrd ${img.meta.initrdPath}` : c));
  const linuxAt = commands.findIndex((c) => c.startsWith('linux '));
  const before = linuxAt < 0 ? commands : commands.slice(0, linuxAt + 1);
  const after = linuxAt < 0 ? [] : commands.slice(linuxAt + 1);
  if (log) {
    for (const c of before) await extend(log.grubString('grub_cmd: ', c));
    await extend(log.grubFile(kernelPath, kernel));
  }
  const kernelV = verdict('kernel');
  if (kernelV && !kernelV.allowed) {
    con.raw('error: ../../grub-core/kern/efi/sb.c:182:bad shim signature.').raw(`  shim_lock: ${names.kernel}: ${kernelV.reason}${kernelV.signer ? ` (signer: ${kernelV.signer})` : ''}`);
    con.raw('error: ../../grub-core/loader/i386/efi/linux.c:256:you need to load the kernel first.').raw('Press any key to continue...');
    return refuse('kernel', kernelV);
  }
  await authority(kernelV);
  const kernelErr = await app('kernel', names.kernel, kernel);
  if (kernelErr) {
    // grub's linux loader rejects a file without the EFI stub's PE header.
    con.raw(`error: ../../grub-core/loader/i386/efi/linux.c: ${names.kernel}: ${kernelErr.reason}.`);
    con.raw('error: ../../grub-core/loader/i386/efi/linux.c:256:you need to load the kernel first.').raw('Press any key to continue...');
    return loadError(kernelErr);
  }
  if (log) {
    await extend(log.grubString('kernel_cmdline: ', `${kernelPath} ${cmdline}`));
    for (const c of after) {
      await extend(log.grubString('grub_cmd: ', c));
      if (c.startsWith('initrd ') && img.initrd) await extend(log.grubFile(img.meta.initrdPath, img.initrd));
    }
    // 5.
    await extend(log.efiAction(5, 'Exit Boot Services Invocation'));
    await extend(log.efiAction(5, 'Exit Boot Services Returned with Success'));
  }

  // 6. Linux: IMA and modules
  con.kernel(`Linux version ${kernelVersion} (${img.meta.osDistro} ${img.meta.osVersion}) #1 SMP PREEMPT_DYNAMIC`, 0);
  con.kernel(`Command line: BOOT_IMAGE=${kernelPath} ${cmdline}`);
  if (i.secureBoot) con.kernel('secureboot: Secure boot enabled').kernel('Kernel is locked down from EFI Secure Boot mode; see man kernel_lockdown.7');
  else con.kernel('secureboot: Secure boot disabled');
  if (i.tpm) con.kernel('tpm_tis MSFT0101:00: 2.0 TPM (device-id 0x1, rev-id 1)').kernel('ima: Allocated hash algorithm: sha256');
  const imaLog = i.tpm ? new ima.ImaLogBuilder('ima-ng') : undefined;
  if (imaLog && log) {
    const aggregate = ima.bootAggregate(log.pcrs().get(TPM_ALG_SHA256)!, TPM_ALG_SHA256);
    await imaExtend(i.tpm!, imaLog.bootAggregate('sha256', aggregate));
  }
  const modules: ModuleLoad[] = [];
  const keyring = { trusted: [img.kernelKeys, db, NO_MOK], denied: [dbx, NO_MOKX] };
  const toLoad = [...img.modules, ...(i.gpuDriver && img.gpuDriver ? [img.gpuDriver] : [])].map((m) =>
    t.has('module') && m.name === (i.tamper?.module ?? img.modules[0]?.name) ? { name: m.name, bytes: rootkitModule(m.name) } : m,
  );
  for (const m of toLoad) {
    const sha256 = hash(TPM_ALG_SHA256, m.bytes);
    const path = `/lib/modules/${kernelVersion}/kernel/drivers/${m.name === 'nvidia.ko' ? 'video' : 'hv'}/${m.name}`;
    if (imaLog) await imaExtend(i.tpm!, imaLog.add({ path, algorithm: 'sha256', digest: sha256 }));
    const v = i.cache.verifyModule(m.bytes, keyring, m.name);
    const base = m.name.replace(/\.ko$/, '');
    if (i.secureBoot && !v.allowed) {
      con.kernel(`Lockdown: modprobe: unsigned module loading is restricted; see man kernel_lockdown.7`).kernel(`modprobe: ERROR: could not insert '${base}': Key was rejected by service (${v.reason})`);
      modules.push({ name: m.name, loaded: false, reason: v.reason, ...(v.signer ? { signer: v.signer } : {}), sha256: hex(sha256) });
    } else {
      if (!v.allowed) con.kernel(`${base}: module verification failed: signature and/or required key missing - tainting kernel`);
      modules.push({ name: m.name, loaded: true, reason: v.reason, ...(v.signer ? { signer: v.signer } : {}), sha256: hex(sha256) });
    }
  }
  con.kernel('systemd[1]: Reached target Multi-User System.', 900).raw('').raw(`${img.meta.osDistro} ${img.meta.osVersion} ${i.vmName} ttyS0`).raw('').raw(`${i.vmName} login: `);
  return {
    ok: true,
    serialLog: con.text(),
    ...(log ? { eventLog: log.bytes(), pcrs: log.pcrs() } : {}),
    ...(imaLog ? { imaLog: imaLog.binary() } : {}),
    modules,
    applications,
  };
}

/** IMA extends PCR 10 of each bank with that bank's hash of the template data (IMA's multi-bank mode). */
async function imaExtend(tpm: MeasuringTpm, e: ima.ImaEntry): Promise<void> {
  const input = ima.templateHashInput(e.templateName, e.fields);
  await tpm.extend(e.pcr, BANKS.map((algId) => ({ algId, digest: algId === TPM_ALG_SHA1 ? e.templateHash : hash(algId, input) })));
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
