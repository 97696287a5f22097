/**
 * Build a crypto-agile TCG event log step by step, the way firmware and bootloaders write it, and
 * keep the PCR values it implies. Every append returns the digests per bank so the caller can
 * extend its TPM with the same values (TPM2_PCR_Extend with a TPML_DIGEST_VALUES).
 *
 * Layout (PFP §10.2.2): a SHA-1-format Spec ID Event03 record naming the banks, then
 * TCG_PCR_EVENT2 records. Event data and digests follow PFP §10.4.1 Table 9 and what edk2, shim and
 * grub do (see each method). Logs built here are accepted by Debian's tpm2_eventlog and replay to
 * `pcrs()` (builder.test.ts).
 *
 * Cost: one one-shot hash per bank per data-derived digest and one per extend; no copies of the
 * log while building (ByteWriter grows geometrically).
 */
import { hash as oneShotHash } from 'node:crypto';
import { ByteWriter, utf8 } from '../../core/bytes.js';
import { encodeGuid, encodeSignatureData, encodeUcs2, EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE_GUID, SHIM_LOCK_GUID, type EfiGuid } from '../../core/efi/index.js';
import { hashById, TPM_ALG_SHA1, TPM_ALG_SHA256 } from '../../core/hash.js';
import * as T from '../event-types.js';
import type { TcgDigest } from '../log-types.js';
import { initialPcrValue, type PcrValues } from '../replay.js';
import { encodeImageLoadEvent } from '../decode/image-load.js';
import { encodeSpecIdEvent, SPEC_ID_EVENT03_DEFAULTS, writeEvent2, writeSha1Event } from './encode.js';

export interface EventLogBuilderOptions {
  /** PCR banks, in the order they are logged (default SHA-1 and SHA-256, as Azure's vTPM and swtpm). */
  readonly banks?: readonly number[];
  readonly vendorInfo?: Uint8Array;
  readonly specErrata?: number;
}

/** Digests supplied by the caller, per bank (e.g. PE Authenticode hashes computed by src/uefi). */
export type DigestsByAlg = Readonly<Record<number, Uint8Array>> | ((algId: number) => Uint8Array);

export interface AppendedEvent {
  readonly pcrIndex: number;
  readonly eventType: number;
  /** One digest per bank, in bank order: extend the TPM with exactly these. */
  readonly digests: readonly TcgDigest[];
}

export class EventLogBuilder {
  readonly banks: readonly number[];
  private readonly w = new ByteWriter(16 * 1024);
  private readonly pcrState = new Map<number, Map<number, Uint8Array>>();
  private readonly scratch = new Map<number, Buffer>();
  /** Locality PCR 0 started from: 0, 3 (StartupLocality) or 4 (H-CRTM). */
  private startup = 0;
  private pcr0Extended = false;
  private count = 0;

  constructor(options: EventLogBuilderOptions = {}) {
    this.banks = options.banks ?? [TPM_ALG_SHA1, TPM_ALG_SHA256];
    if (this.banks.length === 0) throw new RangeError('at least one bank');
    for (const b of this.banks) {
      const a = hashById(b);
      if (!a?.nodeName) throw new RangeError(`unsupported bank 0x${b.toString(16)}`);
      this.pcrState.set(b, new Map());
      this.scratch.set(b, Buffer.allocUnsafe(a.digestSize * 2));
    }
    const specId = encodeSpecIdEvent({
      ...SPEC_ID_EVENT03_DEFAULTS,
      specErrata: options.specErrata ?? SPEC_ID_EVENT03_DEFAULTS.specErrata,
      algorithms: this.banks.map((algorithmId) => ({ algorithmId, digestSize: hashById(algorithmId)!.digestSize })),
      vendorInfo: options.vendorInfo ?? new Uint8Array(0),
    });
    writeSha1Event(this.w, 0, T.EV_NO_ACTION, new Uint8Array(20), specId);
    this.count = 1;
  }

  /** Number of records so far, the Spec ID event included. */
  get eventCount(): number {
    return this.count;
  }

  /** H(data) in every bank. */
  digestsOf(data: Uint8Array): TcgDigest[] {
    return this.banks.map((algId) => ({ algId, digest: oneShotHash(hashById(algId)!.nodeName!, data, 'buffer') }));
  }

  private supplied(d: DigestsByAlg): TcgDigest[] {
    return this.banks.map((algId) => {
      const v = typeof d === 'function' ? d(algId) : d[algId];
      if (!v || v.length !== hashById(algId)!.digestSize) throw new RangeError(`missing or wrong-size digest for bank 0x${algId.toString(16)}`);
      return { algId, digest: v };
    });
  }

  /** Append any event with explicit digests (escape hatch; the methods below cover a normal boot). */
  event(pcrIndex: number, eventType: number, data: Uint8Array, digests: DigestsByAlg | TcgDigest[]): AppendedEvent {
    if (!Number.isInteger(pcrIndex) || pcrIndex < 0 || pcrIndex > 23) throw new RangeError(`PCR index ${pcrIndex}`);
    const ds = Array.isArray(digests) ? digests : this.supplied(digests as DigestsByAlg);
    writeEvent2(this.w, pcrIndex, eventType, ds, data);
    this.count++;
    if (eventType !== T.EV_NO_ACTION) {
      // H-CRTM (TPM 2.0 Part 1 §34.3): PCR 0 was reset to …04 at locality 4 before this digest.
      if (eventType === T.EV_EFI_HCRTM_EVENT && pcrIndex === 0 && !this.pcr0Extended) this.startup = 4;
      if (pcrIndex === 0) this.pcr0Extended = true;
      for (const d of ds) this.extend(d.algId, pcrIndex, d.digest);
    }
    return { pcrIndex, eventType, digests: ds };
  }

  private extend(algId: number, pcr: number, digest: Uint8Array): void {
    const alg = hashById(algId)!;
    const bank = this.pcrState.get(algId)!;
    const s = this.scratch.get(algId)!;
    s.set(bank.get(pcr) ?? initialPcrValue(pcr, alg.digestSize, this.startup), 0);
    s.set(digest, alg.digestSize);
    bank.set(pcr, oneShotHash(alg.nodeName!, s, 'buffer'));
  }

  /** Append an event whose digest is H(data) (PFP Table 9 for separators, actions, variables…). */
  measured(pcrIndex: number, eventType: number, data: Uint8Array): AppendedEvent {
    return this.event(pcrIndex, eventType, data, this.digestsOf(data));
  }

  // --- EV_NO_ACTION -------------------------------------------------------------------------

  /** "StartupLocality\0" + locality (PFP §10.4.5.3). Must come before any PCR 0 measurement. */
  startupLocality(locality: 0 | 3): AppendedEvent {
    if (this.pcr0Extended) throw new Error('StartupLocality must precede every PCR 0 measurement');
    this.startup = locality;
    const data = new Uint8Array(17);
    data.set(utf8('StartupLocality'));
    data[16] = locality;
    return this.event(0, T.EV_NO_ACTION, data, this.banks.map((algId) => ({ algId, digest: new Uint8Array(hashById(algId)!.digestSize) })));
  }

  // --- Firmware (PCR 0–3) --------------------------------------------------------------------

  /** EV_S_CRTM_VERSION: UCS-2 version string, digest H(data) (edk2 and GCE/Hyper-V style). */
  sCrtmVersion(version: string): AppendedEvent {
    return this.measured(0, T.EV_S_CRTM_VERSION, encodeUcs2(version, true));
  }

  /** EV_EFI_PLATFORM_FIRMWARE_BLOB: {base, length}; the digest is of the firmware volume contents (supplied). */
  firmwareBlob(pcrIndex: number, base: bigint, length: bigint, contentDigests: DigestsByAlg): AppendedEvent {
    const data = new ByteWriter(16).u64le(base).u64le(length).finish();
    return this.event(pcrIndex, T.EV_EFI_PLATFORM_FIRMWARE_BLOB, data, contentDigests);
  }

  /** EV_EFI_PLATFORM_FIRMWARE_BLOB2 with a description (PFP §10.2.5). */
  firmwareBlob2(pcrIndex: number, description: string, base: bigint, length: bigint, contentDigests: DigestsByAlg): AppendedEvent {
    const desc = utf8(description);
    if (desc.length > 255) throw new RangeError('blob description longer than 255 bytes');
    const data = new ByteWriter(17 + desc.length).u8(desc.length).bytes(desc).u64le(base).u64le(length).finish();
    return this.event(pcrIndex, T.EV_EFI_PLATFORM_FIRMWARE_BLOB2, data, contentDigests);
  }

  /** EV_SEPARATOR: 00000000 (or FFFFFFFF on error), digest H(data) (PFP §3.3.2.2). */
  separator(pcrIndex: number, error = false): AppendedEvent {
    return this.measured(pcrIndex, T.EV_SEPARATOR, error ? Uint8Array.of(0xff, 0xff, 0xff, 0xff) : new Uint8Array(4));
  }

  /** EV_EFI_ACTION: ASCII without terminator, digest H(text). */
  efiAction(pcrIndex: number, text: string): AppendedEvent {
    return this.measured(pcrIndex, T.EV_EFI_ACTION, utf8(text));
  }

  // --- UEFI variables ------------------------------------------------------------------------

  /** UEFI_VARIABLE_DATA bytes. */
  static variableData(guid: EfiGuid, name: string, value: Uint8Array): Uint8Array {
    return new ByteWriter(32 + name.length * 2 + value.length)
      .bytes(encodeGuid(guid)).u64le(BigInt(name.length)).u64le(BigInt(value.length)).bytes(encodeUcs2(name)).bytes(value)
      .finish();
  }

  /** EV_EFI_VARIABLE_DRIVER_CONFIG in PCR 7 (SecureBoot, PK, KEK, db, dbx…): digest H(UEFI_VARIABLE_DATA). */
  secureBootVariable(name: 'SecureBoot' | 'PK' | 'KEK' | 'db' | 'dbx' | string, value: Uint8Array, guid?: EfiGuid): AppendedEvent {
    const g = guid ?? (name === 'db' || name === 'dbx' || name === 'dbt' || name === 'dbr' ? EFI_IMAGE_SECURITY_DATABASE_GUID : EFI_GLOBAL_VARIABLE);
    return this.measured(7, T.EV_EFI_VARIABLE_DRIVER_CONFIG, EventLogBuilder.variableData(g, name, value));
  }

  /** EV_EFI_VARIABLE_BOOT in PCR 1 (BootOrder, Boot####): digest H(VariableData), as edk2 does. */
  bootVariable(name: string, value: Uint8Array, guid: EfiGuid = EFI_GLOBAL_VARIABLE): AppendedEvent {
    return this.event(1, T.EV_EFI_VARIABLE_BOOT, EventLogBuilder.variableData(guid, name, value), this.digestsOf(value));
  }

  /**
   * EV_EFI_VARIABLE_AUTHORITY in PCR 7: the db/MokList entry that verified an image (firmware,
   * shim) as one EFI_SIGNATURE_DATA; digest H(UEFI_VARIABLE_DATA).
   */
  variableAuthority(name: string, guid: EfiGuid, owner: EfiGuid, signatureData: Uint8Array): AppendedEvent {
    const value = encodeSignatureData({ SignatureOwner: owner, SignatureData: signatureData });
    return this.measured(7, T.EV_EFI_VARIABLE_AUTHORITY, EventLogBuilder.variableData(guid, name, value));
  }

  /** shim's SbatLevel authority event (PCR 7, go-attestation PR #222): the variable's text. */
  sbatLevel(text: string): AppendedEvent {
    return this.measured(7, T.EV_EFI_VARIABLE_AUTHORITY, EventLogBuilder.variableData(SHIM_LOCK_GUID, 'SbatLevel', utf8(text)));
  }

  // --- Boot applications (PCR 4) -------------------------------------------------------------

  /**
   * EV_EFI_BOOT_SERVICES_APPLICATION (PCR 4): UEFI_IMAGE_LOAD_EVENT with the image's device path;
   * the digest is the PE/COFF Authenticode hash of the image in each bank, supplied by the caller.
   */
  bootApplication(authenticode: DigestsByAlg, image: { location?: bigint; length: bigint; devicePath?: Uint8Array }): AppendedEvent {
    const data = encodeImageLoadEvent({ location: image.location ?? 0n, length: image.length, devicePath: image.devicePath ?? new Uint8Array(0) });
    return this.event(4, T.EV_EFI_BOOT_SERVICES_APPLICATION, data, authenticode);
  }

  // --- grub (PCR 8 strings, PCR 9 files) and shim (PCR 14) ---------------------------------------

  /** grub string measurement into PCR 8: data "<prefix><text>\0", digest H(text) (rhboot/grub2 tpm.c). */
  grubString(prefix: 'grub_cmd: ' | 'kernel_cmdline: ' | 'module_cmdline: ', text: string): AppendedEvent {
    const t = utf8(text);
    const data = new Uint8Array(prefix.length + t.length + 1);
    data.set(utf8(prefix));
    data.set(t, prefix.length);
    return this.event(8, T.EV_IPL, data, this.digestsOf(t));
  }

  /** grub file measurement into PCR 9: data "path\0", digest H(file contents) (supplied, or computed from `contents`). */
  grubFile(path: string, contents: Uint8Array | DigestsByAlg): AppendedEvent {
    const data = utf8(path + '\0');
    return this.event(9, T.EV_IPL, data, contents instanceof Uint8Array ? this.digestsOf(contents) : contents);
  }

  /** shim's PCR 14 measurement of a MOK variable (MokList, MokListX, MokSBState…): data "Name\0", digest H(variable contents). */
  shimMokVariable(name: string, contents: Uint8Array): AppendedEvent {
    return this.event(14, T.EV_IPL, utf8(name + '\0'), this.digestsOf(contents));
  }

  // --- Results -------------------------------------------------------------------------------

  /** The log so far (a copy). */
  bytes(): Uint8Array {
    return this.w.finish();
  }

  /** Expected PCR values so far: every PCR an event extended (plus PCR 0 when a StartupLocality set it). */
  pcrs(): PcrValues {
    const out: PcrValues = new Map();
    for (const [algId, bank] of this.pcrState) {
      const m = new Map(bank);
      if (this.startup !== 0 && !m.has(0)) m.set(0, initialPcrValue(0, hashById(algId)!.digestSize, this.startup));
      out.set(algId, m);
    }
    return out;
  }

  finish(): { bytes: Uint8Array; pcrs: PcrValues; eventCount: number } {
    return { bytes: this.bytes(), pcrs: this.pcrs(), eventCount: this.count };
  }
}
