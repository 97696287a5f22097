/**
 * Reference values of a node image: what a good boot of that image measures, compiled from the
 * image's own bytes (the role of keylime's `create_mb_policy` refstate, reference doc §2.1):
 *
 *   PCR 7  — SecureBoot, PK, KEK, db, dbx variable contents; the db / shim-vendor entries that
 *            authorise shim, grub and the kernel under Secure Boot (found by running the Secure
 *            Boot verifier over the chain); shim's SbatLevel;
 *   PCR 4  — Authenticode SHA-256 of shim, grub and the kernel, in load order;
 *   PCR 8  — the kernel command line as grub measures it ("kernel_cmdline: <path> <cmdline>");
 *   PCR 9  — the kernel and initrd files grub reads (SHA-256 of the file);
 *   PCR 14 — shim's MokList / MokListX (empty on these images);
 *   PCR 10 — the kernel modules IMA measures (SHA-256 of each module file).
 *
 * The result is plain JSON (users can read it) and a pure function of the image bytes: callers
 * memoise it per image.
 */
import { createHash } from 'node:crypto';
import { signatureDatabase } from '../../eventlog/index.js';
import {
  authenticodeDigest,
  authorityEntry,
  databaseFromSignatureLists,
  parsePeFile,
  readShim,
  verifyBootChain,
  type SbatLevel,
  type SignatureDatabase,
} from '../../uefi/index.js';

export type SecureBootVariable = 'PK' | 'KEK' | 'db' | 'dbx';
export const SECURE_BOOT_VARIABLES: readonly SecureBootVariable[] = ['PK', 'KEK', 'db', 'dbx'];

export interface ReferenceDatabase {
  /** SHA-256 of the variable's data (the EFI_SIGNATURE_LISTs), hex. */
  readonly sha256: string;
  /** Each entry: SHA-256 of owner GUID ‖ SignatureData (its identity), and the certificate subject when it is one. */
  readonly entries: readonly { readonly id: string; readonly subject?: string }[];
}

export interface ReferenceValues {
  readonly image: string;
  readonly osDistro: string;
  readonly osVersion: string;
  readonly secureBootVariables: Readonly<Record<SecureBootVariable, ReferenceDatabase>>;
  /** SHA-256 of the platform's default PK, KEK and db (for x-ms-azurevm-default-securebootkeysvalidated). */
  readonly defaultKeys?: Readonly<Record<'PK' | 'KEK' | 'db', string>>;
  readonly bootApplications: readonly { readonly stage: 'shim' | 'bootloader' | 'kernel'; readonly name: string; readonly authenticodeSha256: string }[];
  /** EV_EFI_VARIABLE_AUTHORITY data expected after the PCR 7 separator under Secure Boot (hex EFI_SIGNATURE_DATA). */
  readonly authorities: readonly { readonly database: string; readonly subject?: string; readonly signatureData: string }[];
  readonly sbatLevel?: string;
  readonly kernelCmdline: string;
  readonly kernel: { readonly path: string; readonly sha256: string };
  readonly initrd?: { readonly path: string; readonly sha256: string };
  readonly modules: readonly { readonly name: string; readonly sha256: string }[];
  readonly mok: { readonly MokList: string; readonly MokListX: string };
}

export interface NamedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface ImageFiles {
  readonly name: string;
  readonly osDistro: string;
  readonly osVersion: string;
  readonly shim: NamedFile;
  readonly bootloader: NamedFile;
  readonly kernel: NamedFile;
  readonly initrd?: Uint8Array | undefined;
  /** Every module the image may load (the GPU vendor's driver included). */
  readonly modules: readonly NamedFile[];
  /** EFI_SIGNATURE_LIST bytes of the firmware variables. */
  readonly firmware: Readonly<Record<SecureBootVariable, Uint8Array>>;
  readonly kernelPath: string;
  readonly initrdPath: string;
  readonly cmdline: string;
  /** The platform's default PK/KEK/db (EFI_SIGNATURE_LIST bytes). */
  readonly defaults?: Readonly<Record<'PK' | 'KEK' | 'db', Uint8Array>>;
}

const sha256 = (...parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** Identity of one EFI_SIGNATURE_DATA: SHA-256 of owner GUID (as text) and data. */
export function entryId(owner: string, dataHex: string): string {
  return createHash('sha256').update(owner.toLowerCase()).update(dataHex).digest('hex');
}

export function referenceDatabase(bytes: Uint8Array): ReferenceDatabase {
  const db = signatureDatabase(bytes);
  return {
    sha256: sha256(bytes),
    entries: db.entries.map((e) => ({ id: entryId(e.owner, e.data), ...(e.certificate?.subject ? { subject: e.certificate.subject } : {}) })),
  };
}

/** SbatLevel variable text (rhboot/shim SBAT.md): `sbat,1,<datestamp>\n<component>,<generation>\n…`. */
export function sbatLevelText(level: SbatLevel): string {
  return `sbat,1,${level.datestamp}\n${level.entries.map((e) => `${e.component},${e.generation}`).join('\n')}\n`;
}

const stripSigned = (n: string) => n.replace(/\.signed$/, '');
const EMPTY = new Uint8Array(0);

export function compileReferenceValues(img: ImageFiles): ReferenceValues {
  const secureBootVariables = {
    PK: referenceDatabase(img.firmware.PK),
    KEK: referenceDatabase(img.firmware.KEK),
    db: referenceDatabase(img.firmware.db),
    dbx: referenceDatabase(img.firmware.dbx),
  };
  const bootApplications = (['shim', 'bootloader', 'kernel'] as const).map((stage) => ({
    stage,
    name: stripSigned(img[stage].name),
    authenticodeSha256: Buffer.from(authenticodeDigest(parsePeFile(img[stage].bytes), 'sha256')).toString('hex'),
  }));
  // Which entries authorise the chain under Secure Boot: the verifier's own verdicts.
  const db: SignatureDatabase = databaseFromSignatureLists('db', img.firmware.db);
  const dbx: SignatureDatabase = databaseFromSignatureLists('dbx', img.firmware.dbx);
  const chain = verifyBootChain({ trust: { db, dbx }, shim: img.shim.bytes, bootloader: img.bootloader.bytes, kernel: img.kernel.bytes });
  const authorities: { database: string; subject?: string; signatureData: string }[] = [];
  if (chain.allowed) {
    let vendor: SignatureDatabase[] = [];
    try {
      vendor = [readShim(img.shim.bytes).vendorDb];
    } catch {
      vendor = [];
    }
    for (const s of chain.stages) {
      if (s.stage === 'module' || !('authority' in s) || !s.authority) continue;
      const e = authorityEntry(s.authority, [db, ...vendor]);
      const hex = e ? Buffer.from(e.signatureData).toString('hex') : undefined;
      if (e && hex && !authorities.some((a) => a.signatureData === hex)) authorities.push({ database: e.database, ...(s.authority.subject ? { subject: s.authority.subject } : {}), signatureData: hex });
    }
  }
  return {
    image: img.name,
    osDistro: img.osDistro,
    osVersion: img.osVersion,
    secureBootVariables,
    ...(img.defaults ? { defaultKeys: { PK: sha256(img.defaults.PK), KEK: sha256(img.defaults.KEK), db: sha256(img.defaults.db) } } : {}),
    bootApplications,
    authorities,
    ...(chain.sbatLevel ? { sbatLevel: sbatLevelText(chain.sbatLevel) } : {}),
    kernelCmdline: `${img.kernelPath} ${img.cmdline}`,
    kernel: { path: img.kernelPath, sha256: sha256(img.kernel.bytes) },
    ...(img.initrd ? { initrd: { path: img.initrdPath, sha256: sha256(img.initrd) } } : {}),
    modules: img.modules.map((m) => ({ name: m.name, sha256: sha256(m.bytes) })),
    mok: { MokList: sha256(EMPTY), MokListX: sha256(EMPTY) },
  };
}
