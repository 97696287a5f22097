/**
 * UEFI_VARIABLE_DATA (PFP §10.2.6 / TCG EFI Platform §7.8): the data of EV_EFI_VARIABLE_DRIVER_CONFIG,
 * EV_EFI_VARIABLE_BOOT(2) and EV_EFI_VARIABLE_AUTHORITY events.
 *
 *   { EFI_GUID VariableName; UINT64 UnicodeNameLength; UINT64 VariableDataLength;
 *     CHAR16 UnicodeName[UnicodeNameLength]; INT8 VariableData[VariableDataLength]; }
 *
 * `decodeVariableValue` then interprets VariableData by variable and event type, the way
 * firmware, shim and tpm2_eventlog do: SecureBoot/MokListTrusted booleans, signature databases
 * (PK, KEK, db, dbx, MokList…), one EFI_SIGNATURE_DATA for authorities, SbatLevel text,
 * BootOrder, Boot#### load options.
 */
import { ByteReader } from '../../core/bytes.js';
import { WireError } from '../../core/errors.js';
import {
  decodeUcs2,
  formatDevicePath,
  formatGuid,
  parseLoadOption,
  parseSignatureData,
  parseSignatureLists,
  type EfiGuid,
  type EfiSignatureData,
  type EfiSignatureList,
} from '../../core/efi/index.js';
import { EV_EFI_VARIABLE_AUTHORITY, EV_EFI_VARIABLE_BOOT, EV_EFI_VARIABLE_BOOT2, EV_EFI_VARIABLE_DRIVER_CONFIG } from '../event-types.js';

export interface UefiVariableData {
  readonly VariableName: EfiGuid;
  readonly UnicodeNameLength: number;
  readonly VariableDataLength: number;
  readonly UnicodeName: string;
  /** A view into the log. May be shorter than VariableDataLength only when `truncated`. */
  readonly VariableData: Uint8Array;
  /** The event data ended before VariableDataLength bytes (tolerated, as tpm2_eventlog does). */
  readonly truncated: boolean;
  /** Offset of VariableData in the log. */
  readonly dataOffset: number;
}

/** Parse UEFI_VARIABLE_DATA. `base` is the absolute offset of `data` in the log. */
export function parseUefiVariableData(data: Uint8Array, base = 0): UefiVariableData {
  const r = new ByteReader(data, { base, path: ['UEFI_VARIABLE_DATA'] });
  const VariableName = formatGuid(r.bytesView(16, 'VariableName'));
  const nameAt = r.offset;
  const nameLen = r.u64le();
  const dataLenAt = r.offset;
  const dataLen = r.u64le();
  if (nameLen > BigInt(r.remaining) / 2n) throw r.error(`UnicodeNameLength ${nameLen} exceeds the event data`, nameAt);
  const UnicodeNameLength = Number(nameLen);
  const UnicodeName = decodeUcs2(data, r.offset, UnicodeNameLength);
  r.skip(UnicodeNameLength * 2, 'UnicodeName');
  if (dataLen > 0xffffffffn) throw r.error(`VariableDataLength ${dataLen} is implausible`, dataLenAt);
  const VariableDataLength = Number(dataLen);
  const truncated = VariableDataLength > r.remaining;
  const dataOffset = base + r.offset;
  const VariableData = r.bytesView(Math.min(VariableDataLength, r.remaining), 'VariableData');
  return { VariableName, UnicodeNameLength, VariableDataLength, UnicodeName, VariableData, truncated, dataOffset };
}

/** What VariableData means, by variable name and event type. */
export type UefiVariableValue =
  | { readonly kind: 'boolean'; readonly enabled: boolean }
  | { readonly kind: 'signatureLists'; readonly lists: readonly EfiSignatureList[] }
  | { readonly kind: 'signatureData'; readonly signature: EfiSignatureData }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'bootOrder'; readonly order: readonly number[] }
  | {
      readonly kind: 'loadOption';
      readonly attributes: number;
      readonly description: string;
      readonly filePathListLength: number;
      /** Text form of the first device path (see core/efi/device-path.ts); undefined if malformed. */
      readonly devicePath: string | undefined;
      readonly filePathList: Uint8Array;
      readonly optionalData: Uint8Array;
    }
  | { readonly kind: 'raw' }
  | { readonly kind: 'error'; readonly error: WireError };

/** Signature databases (UEFI 2.10 §32.6.1 and shim's MOK variables). */
const SIGNATURE_DATABASES = new Set(['PK', 'KEK', 'db', 'dbx', 'dbt', 'dbr', 'MokList', 'MokListX', 'MokListRT', 'MokListXRT']);
const BOOLEAN_VARIABLES = new Set(['SecureBoot', 'MokListTrusted', 'MokSBState', 'DeployedMode', 'AuditMode', 'SetupMode']);
const BOOT_OPTION = /^(Boot|Driver|SysPrep|PlatformRecovery)[0-9A-Fa-f]{4}$/;

export function decodeVariableValue(v: UefiVariableData, eventType: number): UefiVariableValue {
  const d = v.VariableData;
  try {
    if (eventType === EV_EFI_VARIABLE_DRIVER_CONFIG) {
      if (BOOLEAN_VARIABLES.has(v.UnicodeName) && d.length <= 1) return { kind: 'boolean', enabled: d.length === 1 && d[0] !== 0 };
      if (SIGNATURE_DATABASES.has(v.UnicodeName)) return { kind: 'signatureLists', lists: parseSignatureLists(d, v.dataOffset) };
      return { kind: 'raw' };
    }
    if (eventType === EV_EFI_VARIABLE_AUTHORITY) {
      if (BOOLEAN_VARIABLES.has(v.UnicodeName) && d.length <= 1) return { kind: 'boolean', enabled: d.length === 1 && d[0] !== 0 };
      if (v.UnicodeName === 'SbatLevel') return { kind: 'text', text: new TextDecoder().decode(d) };
      return { kind: 'signatureData', signature: parseSignatureData(d, v.dataOffset) };
    }
    if (eventType === EV_EFI_VARIABLE_BOOT || eventType === EV_EFI_VARIABLE_BOOT2) {
      if (v.UnicodeName === 'BootOrder' || v.UnicodeName === 'DriverOrder') {
        if (d.length % 2 !== 0) throw new WireError(`${v.UnicodeName} length ${d.length} is odd`, v.dataOffset, 'BootOrder');
        const order: number[] = [];
        for (let i = 0; i < d.length; i += 2) order.push(d[i]! | (d[i + 1]! << 8));
        return { kind: 'bootOrder', order };
      }
      if (BOOT_OPTION.test(v.UnicodeName)) {
        const lo = parseLoadOption(d, v.dataOffset);
        let devicePath: string | undefined;
        try {
          devicePath = formatDevicePath(lo.FilePathList);
        } catch {
          devicePath = undefined;
        }
        return {
          kind: 'loadOption',
          attributes: lo.Attributes,
          description: lo.Description,
          filePathListLength: lo.FilePathListLength,
          devicePath,
          filePathList: lo.FilePathList,
          optionalData: lo.OptionalData,
        };
      }
    }
    return { kind: 'raw' };
  } catch (e) {
    if (e instanceof WireError) return { kind: 'error', error: e };
    throw e;
  }
}
