/**
 * The event log as the tree tpm2_eventlog (tpm2-tools 5.8, `lib/tpm2_eventlog_yaml.c`) prints, so
 * `tl eventlog parse --yaml` can be diffed against `tpm2_eventlog` and the tool's fixtures are an
 * executable specification of our decoders (src/eventlog/tpm2-tools-tree.test.ts compares every
 * field). Key names, nesting, number bases (0x… vs decimal) and the tool's own limits are kept:
 * generic hex event data is cut at 1024 bytes, `version: 1` prints UEFI variable data as hex.
 *
 * Values are JSON-friendly: numbers for the tool's decimal fields, strings for everything it prints
 * in hex or as text, `null` where it prints a key with no value.
 */
import { toHex } from '../core/bytes.js';
import { formatDevicePath, formatGuid, parseLoadOption, parseSignatureLists } from '../core/efi/index.js';
import { WireError } from '../core/errors.js';
import { hashById } from '../core/hash.js';
import { parseGptData } from './decode/gpt.js';
import { parseStartupLocality } from './decode/no-action.js';
import { parseUefiVariableData } from './decode/variable.js';
import * as T from './event-types.js';
import type { TcgEvent, TcgEventLog } from './log-types.js';
import { initialPcrValue, initialPcr0, replay } from './replay.js';

export type Tree = null | string | number | Tree[] | { [key: string]: Tree };

export interface Tpm2ToolsTreeOptions {
  /** 2 (default): decode UEFI variables, GPT, StartupLocality; 1: print them as hex (`--eventlog-version=1`). */
  readonly version?: 1 | 2;
  /** `text` (default): device paths as libefivar prints them; `hex`: raw bytes, as a tpm2_eventlog built without libefivar. */
  readonly devicePaths?: 'text' | 'hex';
  /** Include the `pcrs:` section (default true). */
  readonly pcrs?: boolean;
}

const EVENT_BUF_MAX_BYTES = 1024;
const TOOL_TYPE_NAMES = new Set([
  T.EV_PREBOOT_CERT, T.EV_POST_CODE, T.EV_UNUSED, T.EV_NO_ACTION, T.EV_SEPARATOR, T.EV_ACTION, T.EV_EVENT_TAG,
  T.EV_S_CRTM_CONTENTS, T.EV_S_CRTM_VERSION, T.EV_CPU_MICROCODE, T.EV_PLATFORM_CONFIG_FLAGS, T.EV_TABLE_OF_DEVICES,
  T.EV_COMPACT_HASH, T.EV_IPL, T.EV_IPL_PARTITION_DATA, T.EV_NONHOST_CODE, T.EV_NONHOST_CONFIG, T.EV_NONHOST_INFO,
  T.EV_OMIT_BOOT_DEVICE_EVENTS, T.EV_EFI_VARIABLE_DRIVER_CONFIG, T.EV_EFI_VARIABLE_BOOT, T.EV_EFI_BOOT_SERVICES_APPLICATION,
  T.EV_EFI_BOOT_SERVICES_DRIVER, T.EV_EFI_RUNTIME_SERVICES_DRIVER, T.EV_EFI_GPT_EVENT, T.EV_EFI_ACTION,
  T.EV_EFI_PLATFORM_FIRMWARE_BLOB, T.EV_EFI_HANDOFF_TABLES, T.EV_EFI_PLATFORM_FIRMWARE_BLOB2, T.EV_EFI_HANDOFF_TABLES2,
  T.EV_EFI_VARIABLE_BOOT2, T.EV_EFI_HCRTM_EVENT, T.EV_EFI_VARIABLE_AUTHORITY,
]);

const hx = (v: number | bigint): string => '0x' + v.toString(16);
const algName = (algId: number): string => hashById(algId)?.name ?? hx(algId);
/** C's `%.*s`: the bytes up to the first NUL. */
const cString = (d: Uint8Array): string => {
  const nul = d.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? d : d.subarray(0, nul));
};

export function toTpm2ToolsTree(log: TcgEventLog, options: Tpm2ToolsTreeOptions = {}): { [key: string]: Tree } {
  const version = options.version ?? 2;
  const events: Tree[] = log.events.map((e) => eventTree(log, e, version, options.devicePaths ?? 'text'));
  const out: { [key: string]: Tree } = { version, events };
  if (options.pcrs !== false) out.pcrs = pcrsTree(log);
  return out;
}

function eventTree(log: TcgEventLog, e: TcgEvent, version: 1 | 2, dpMode: 'text' | 'hex'): { [key: string]: Tree } {
  const type = TOOL_TYPE_NAMES.has(e.eventType) ? T.eventTypeName(e.eventType)! : 'Unknown event type';
  if (log.format === 'crypto-agile' && e.index === 0) {
    const s = log.specId!;
    const specId: { [key: string]: Tree } = {
      Signature: s.signature, platformClass: s.platformClass, specVersionMinor: s.specVersionMinor,
      specVersionMajor: s.specVersionMajor, specErrata: s.specErrata, uintnSize: s.uintnSize,
      numberOfAlgorithms: s.algorithms.length,
      Algorithms: s.algorithms.map((a, i) => ({ [`Algorithm[${i}]`]: null, algorithmId: algName(a.algorithmId), digestSize: a.digestSize })),
      vendorInfoSize: s.vendorInfo.length,
    };
    if (s.vendorInfo.length > 0) specId.vendorInfo = toHex(s.vendorInfo);
    // The tool prints the declared eventDataSize, which the tolerated SpecIdSizeExcludesVendorInfo case undercounts.
    const short = log.warnings.some((w) => w.code === 'SpecIdSizeExcludesVendorInfo');
    const EventSize = e.data.length - (short ? s.vendorInfo.length : 0);
    return { EventNum: 0, PCRIndex: e.pcrIndex, EventType: type, Digest: toHex(e.digests[0]!.digest), EventSize, SpecID: [specId] };
  }
  const t: { [key: string]: Tree } = {};
  if (log.format === 'crypto-agile') t.EventNum = e.index;
  t.PCRIndex = e.pcrIndex;
  t.EventType = type;
  t.DigestCount = e.digests.length;
  t.Digests = e.digests.map((d) => ({ AlgorithmId: algName(d.algId), Digest: toHex(d.digest) }));
  t.EventSize = e.data.length;
  if (e.data.length > 0) {
    try {
      const ev = eventData(e, version, dpMode);
      if (ev !== undefined) t.Event = ev;
    } catch (err) {
      // tpm2_eventlog stops at such an event; we show why and keep the bytes, so one bad event
      // does not hide the rest of the log.
      if (!(err instanceof WireError) && !(err instanceof RangeError)) throw err;
      t.Event = { DecodeError: err.message, Raw: toHex(e.data.subarray(0, EVENT_BUF_MAX_BYTES)) };
    }
  }
  return t;
}

function eventData(e: TcgEvent, version: 1 | 2, dpMode: 'text' | 'hex'): Tree | undefined {
  const d = e.data;
  switch (e.eventType) {
    case T.EV_EFI_VARIABLE_DRIVER_CONFIG:
    case T.EV_EFI_VARIABLE_BOOT:
    case T.EV_EFI_VARIABLE_BOOT2:
    case T.EV_EFI_VARIABLE_AUTHORITY:
      return variableTree(e, version, dpMode);
    case T.EV_POST_CODE:
      return d.length === 16 ? blobTree(d) : cString(d);
    case T.EV_S_CRTM_CONTENTS:
    case T.EV_EFI_PLATFORM_FIRMWARE_BLOB:
      return blobTree(d);
    case T.EV_EFI_PLATFORM_FIRMWARE_BLOB2: {
      const n = d[0]!;
      const v = new DataView(d.buffer, d.byteOffset + 1 + n, 16);
      return { BlobDescriptionSize: n, BlobDescription: toHex(d.subarray(1, 1 + n)), BlobBase: hx(v.getBigUint64(0, true)), BlobLength: hx(v.getBigUint64(8, true)) };
    }
    case T.EV_EFI_ACTION:
    case T.EV_EFI_HCRTM_EVENT:
      return cString(d);
    case T.EV_IPL:
      return { String: new TextDecoder().decode(d) };
    case T.EV_EFI_BOOT_SERVICES_APPLICATION:
    case T.EV_EFI_BOOT_SERVICES_DRIVER:
    case T.EV_EFI_RUNTIME_SERVICES_DRIVER: {
      const v = new DataView(d.buffer, d.byteOffset, 32);
      const dpLen = v.getBigUint64(24, true);
      const rest = d.subarray(32);
      return {
        ImageLocationInMemory: hx(v.getBigUint64(0, true)),
        ImageLengthInMemory: Number(v.getBigUint64(8, true)),
        ImageLinkTimeAddress: hx(v.getBigUint64(16, true)),
        LengthOfDevicePath: Number(dpLen),
        DevicePath: devicePathTree(rest.subarray(0, Number(dpLen > BigInt(rest.length) ? BigInt(rest.length) : dpLen)), rest, dpMode),
      };
    }
    case T.EV_EFI_GPT_EVENT:
      return version === 2 ? gptTree(e) : toHex(d.subarray(0, EVENT_BUF_MAX_BYTES));
    case T.EV_NO_ACTION: {
      const loc = version === 2 && d.length > 16 ? parseStartupLocality(d) : undefined;
      return loc !== undefined ? { StartupLocality: loc } : toHex(d.subarray(0, EVENT_BUF_MAX_BYTES));
    }
    default:
      return toHex(d.subarray(0, EVENT_BUF_MAX_BYTES));
  }
}

function blobTree(d: Uint8Array): Tree {
  const v = new DataView(d.buffer, d.byteOffset, 16);
  return { BlobBase: hx(v.getBigUint64(0, true)), BlobLength: hx(v.getBigUint64(8, true)) };
}

/** `text`: libefivar's form of the path bytes ('' for none); falls back to hex of everything after, as the tool does. */
function devicePathTree(path: Uint8Array, all: Uint8Array, dpMode: 'text' | 'hex'): string {
  if (dpMode === 'hex') return toHex(all);
  try {
    return formatDevicePath(path);
  } catch (e) {
    if (e instanceof WireError) return toHex(all);
    throw e;
  }
}

function variableTree(e: TcgEvent, version: 1 | 2, dpMode: 'text' | 'hex'): Tree {
  const v = parseUefiVariableData(e.data, e.dataOffset);
  const t: { [key: string]: Tree } = {
    VariableName: v.VariableName, UnicodeNameLength: v.UnicodeNameLength, VariableDataLength: v.VariableDataLength, UnicodeName: v.UnicodeName,
  };
  const d = v.VariableData;
  const name = v.UnicodeName;
  const hexData = (): Tree => {
    if (v.VariableDataLength > 0) t.VariableData = toHex(d);
    return t;
  };
  if (version !== 2) return hexData();
  const enabled = (): Tree => {
    t.VariableData = { Enabled: d.length === 1 && d[0] !== 0 ? 'Yes' : 'No' };
    return t;
  };
  switch (e.eventType) {
    case T.EV_EFI_VARIABLE_DRIVER_CONFIG:
      if (name === 'PK' || name === 'KEK' || name === 'db' || name === 'dbx') {
        const lists = d.length === 0 ? [] : parseSignatureLists(d, v.dataOffset);
        t.VariableData = lists.length === 0 ? null : lists.map((l) => ({
          SignatureType: l.SignatureType, SignatureListSize: l.SignatureListSize, SignatureHeaderSize: l.SignatureHeaderSize,
          SignatureSize: l.SignatureSize,
          Keys: l.Signatures.map((s) => ({ SignatureOwner: s.SignatureOwner, SignatureData: toHex(s.SignatureData) })),
        }));
        return t;
      }
      if (name === 'SecureBoot') return enabled();
      return hexData();
    case T.EV_EFI_VARIABLE_AUTHORITY:
      if (name === 'MokListTrusted') return enabled();
      if (name === 'db' || name === 'Shim') {
        t.VariableData = [{ SignatureOwner: formatGuid(d, 0), SignatureData: toHex(d.subarray(16)) }];
        return t;
      }
      if (name === 'SbatLevel') {
        t.VariableData = { String: new TextDecoder().decode(d) };
        return t;
      }
      return hexData();
    default: // EV_EFI_VARIABLE_BOOT, EV_EFI_VARIABLE_BOOT2
      if (name === 'BootOrder') {
        const order: Tree[] = [];
        for (let i = 0; i + 1 < d.length; i += 2) order.push('Boot' + (d[i]! | (d[i + 1]! << 8)).toString(16).padStart(4, '0'));
        t.VariableData = order;
        return t;
      }
      if (/^Boot[0-9a-fA-F]{4}$/.test(name)) {
        const lo = parseLoadOption(d, v.dataOffset);
        const afterDesc = d.subarray(6 + (lo.Description.length + 1) * 2);
        t.VariableData = {
          Enabled: lo.Attributes & 1 ? 'Yes' : 'No',
          FilePathListLength: lo.FilePathListLength,
          Description: lo.Description,
          DevicePath: devicePathTree(afterDesc, afterDesc, dpMode),
        };
        return t;
      }
      return hexData();
  }
}

function gptTree(e: TcgEvent): Tree {
  const g = parseGptData(e.data, e.dataOffset);
  const h = g.header;
  return {
    Header: {
      Signature: h.Signature, Revision: hx(h.Revision), HeaderSize: h.HeaderSize, HeaderCRC32: hx(h.HeaderCRC32),
      MyLBA: hx(h.MyLBA), AlternateLBA: hx(h.AlternateLBA), FirstUsableLBA: hx(h.FirstUsableLBA), LastUsableLBA: hx(h.LastUsableLBA),
      DiskGUID: h.DiskGUID, PartitionEntryLBA: hx(h.PartitionEntryLBA), NumberOfPartitionEntry: h.NumberOfPartitionEntries,
      SizeOfPartitionEntry: h.SizeOfPartitionEntry, PartitionEntryArrayCRC32: hx(h.PartitionEntryArrayCRC32),
    },
    NumberOfPartitions: Number(g.NumberOfPartitions),
    Partitions: g.partitions.map((p) => ({
      PartitionTypeGUID: p.PartitionTypeGUID, UniquePartitionGUID: p.UniquePartitionGUID, StartingLBA: hx(p.StartingLBA),
      EndingLBA: hx(p.EndingLBA), Attributes: hx(p.Attributes), PartitionName: p.PartitionName,
    })),
  };
}

/** The `pcrs:` section: every PCR < 24 that an event of the bank touches, in the tool's bank order. */
function pcrsTree(log: TcgEventLog): Tree {
  const values = replay(log);
  const pcr0 = initialPcr0(log.events).locality;
  const out: { [key: string]: Tree } = {};
  for (const algId of [0x0004, 0x000b, 0x000c, 0x000d, 0x0012]) {
    const bank = values.get(algId);
    const size = hashById(algId)!.digestSize;
    const used = new Set<number>();
    for (const e of log.events) {
      if (log.format === 'crypto-agile' ? e.index === 0 : e.eventType === T.EV_NO_ACTION) continue;
      if (e.pcrIndex < 24 && e.digests.some((x) => x.algId === algId)) used.add(e.pcrIndex);
    }
    if (used.size === 0 || (!bank && algId !== 0x0012)) continue;
    const b: { [key: string]: Tree } = {};
    for (const i of [...used].sort((a, c) => a - c)) b[String(i)] = '0x' + toHex(bank?.get(i) ?? initialPcrValue(i, size, pcr0));
    out[algName(algId)] = b;
  }
  return Object.keys(out).length === 0 ? null : out;
}
