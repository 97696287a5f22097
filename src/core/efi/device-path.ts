/**
 * UEFI device paths (UEFI 2.10 §10.3 "Device Path Nodes"): decode to nodes and to the text form,
 * and encode the nodes an emulated boot needs.
 *
 * Each node is `{UINT8 Type; UINT8 SubType; UINT16 Length; data}` (Length includes the 4-byte
 * header). A path ends with End Entire (0x7F/0xFF); End Instance (0x7F/0x01) separates instances.
 *
 * The text form follows libefivar 37 (`efidp_format_device_path`, what Debian's tpm2_eventlog links
 * and what the tpm2-tools `event-pretty-39` fixtures were produced with), which in turn follows
 * edk2's DevicePathToText for the common nodes: `PciRoot(0x0)/Pci(0x1,0x0)/HD(1,GPT,<guid>,0x800,
 * 0x80000)/\EFI\BOOT\BOOTX64.EFI`. File path nodes print as the bare path, as edk2 does (newer
 * efivar prints `File(...)`). Unknown nodes print generically (`HardwarePath(n,hex)`, `Msg(n,hex)`…).
 */
import { ByteWriter } from '../bytes.js';
import { WireError } from '../errors.js';
import { encodeGuid, formatGuid, type EfiGuid, EFI_PC_ANSI_GUID, EFI_VT_100_GUID, EFI_VT_100_PLUS_GUID, EFI_VT_UTF8_GUID, EFI_DEBUGPORT_GUID } from './guid.js';
import { encodeUcs2 } from './ucs2.js';

export const HARDWARE_DEVICE_PATH = 0x01;
export const ACPI_DEVICE_PATH = 0x02;
export const MESSAGING_DEVICE_PATH = 0x03;
export const MEDIA_DEVICE_PATH = 0x04;
export const BBS_DEVICE_PATH = 0x05;
export const END_DEVICE_PATH_TYPE = 0x7f;
export const END_ENTIRE_DEVICE_PATH_SUBTYPE = 0xff;
export const END_INSTANCE_DEVICE_PATH_SUBTYPE = 0x01;

export interface DevicePathNode {
  readonly Type: number;
  readonly SubType: number;
  /** Node data after the 4-byte header (a view into the input). */
  readonly data: Uint8Array;
  /** Absolute offset of the node header. */
  readonly offset: number;
}

/**
 * Split a device path into nodes, stopping after End Entire (bytes after it are not part of the
 * path; firmware puts optional data there). End Instance nodes are returned so callers can see
 * multi-instance paths. Throws WireError on a node shorter than its header or past the end.
 */
export function parseDevicePath(bytes: Uint8Array, base = 0): DevicePathNode[] {
  const nodes: DevicePathNode[] = [];
  let o = 0;
  while (o < bytes.length) {
    if (o + 4 > bytes.length) throw new WireError(`truncated: device path node header needs 4 bytes, ${bytes.length - o} left`, base + o, 'EFI_DEVICE_PATH_PROTOCOL');
    const Type = bytes[o]!;
    const SubType = bytes[o + 1]!;
    const len = bytes[o + 2]! | (bytes[o + 3]! << 8);
    if (len < 4) throw new WireError(`device path node length ${len} is smaller than its header`, base + o + 2, 'EFI_DEVICE_PATH_PROTOCOL');
    if (o + len > bytes.length) throw new WireError(`truncated: device path node of ${len} bytes, ${bytes.length - o} left`, base + o + 2, 'EFI_DEVICE_PATH_PROTOCOL');
    if (Type === END_DEVICE_PATH_TYPE && SubType === END_ENTIRE_DEVICE_PATH_SUBTYPE) return nodes;
    nodes.push({ Type, SubType, data: bytes.subarray(o + 4, o + len), offset: base + o });
    o += len;
  }
  return nodes;
}

/** The text form of a device path (see the module comment). Throws WireError on malformed nodes. */
export function formatDevicePath(bytes: Uint8Array, base = 0): string {
  let out = '';
  for (const n of parseDevicePath(bytes, base)) {
    if (n.Type === END_DEVICE_PATH_TYPE) {
      out += ',';
      continue;
    }
    out += (out === '' || out.endsWith(',') ? '' : '/') + formatNode(n);
  }
  return out;
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const x = (v: number | bigint): string => '0x' + v.toString(16);

function need(n: DevicePathNode, size: number, name: string): DataView {
  if (n.data.length < size) throw new WireError(`${name} device path node needs ${size} data bytes, has ${n.data.length}`, n.offset, name);
  return new DataView(n.data.buffer, n.data.byteOffset, n.data.byteLength);
}

function ucs2z(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) {
    const c = b[i]! | (b[i + 1]! << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

const ipv4 = (b: Uint8Array, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

function vendor(n: DevicePathNode, label: string): string {
  need(n, 16, label);
  const g = formatGuid(n.data, 0);
  return n.data.length > 16 ? `${label}(${g},${hex(n.data.subarray(16))})` : `${label}(${g})`;
}

function formatNode(n: DevicePathNode): string {
  const d = n.data;
  switch (n.Type) {
    case HARDWARE_DEVICE_PATH:
      switch (n.SubType) {
        case 0x01: need(n, 2, 'Pci'); return `Pci(${x(d[1]!)},${x(d[0]!)})`;
        case 0x02: need(n, 1, 'PcCard'); return `PcCard(${d[0]})`;
        case 0x03: { const v = need(n, 20, 'MemoryMapped'); return `MemoryMapped(${v.getUint32(0, true)},${x(v.getBigUint64(4, true))},${x(v.getBigUint64(12, true))})`; }
        case 0x04: return vendor(n, 'VenHw');
        case 0x05: { const v = need(n, 4, 'Ctrl'); return `Ctrl(${v.getUint32(0, true)})`; }
        case 0x06: { const v = need(n, 9, 'BMC'); return `BMC(${d[0]},${x(v.getBigUint64(1, true))})`; }
        default: return `HardwarePath(${n.SubType},${hex(d)})`;
      }
    case ACPI_DEVICE_PATH:
      switch (n.SubType) {
        case 0x01: {
          const v = need(n, 8, 'Acpi');
          const hid = v.getUint32(0, true);
          const uid = v.getUint32(4, true);
          if (hid === 0x0a0341d0) return `PciRoot(${x(uid)})`;
          if (hid === 0x0a0841d0) return `PcieRoot(${x(uid)})`;
          if ((hid & 0xffff) === 0x41d0) return `Acpi(PNP${(hid >>> 16).toString(16).padStart(4, '0')},${x(uid)})`;
          return `Acpi(${x(hid)},${x(uid)})`;
        }
        case 0x03: { const v = need(n, 4, 'AcpiAdr'); return `AcpiAdr(${x(v.getUint32(0, true))})`; }
        default: return `AcpiPath(${n.SubType},${hex(d)})`;
      }
    case MESSAGING_DEVICE_PATH:
      return formatMessaging(n);
    case MEDIA_DEVICE_PATH:
      return formatMedia(n);
    case BBS_DEVICE_PATH: {
      if (n.SubType !== 0x01) return `BbsPath(${n.SubType},${hex(d)})`;
      const v = need(n, 4, 'BBS');
      const type = v.getUint16(0, true);
      const status = v.getUint16(2, true);
      const names: Record<number, string> = { 1: 'Floppy', 2: 'HD', 3: 'CDROM', 4: 'PCMCIA', 5: 'USB', 6: 'Network' };
      let desc = '';
      for (let i = 4; i < d.length && d[i] !== 0; i++) desc += String.fromCharCode(d[i]!);
      return `BBS(${names[type] ?? x(type)},${desc},${x(status)})`;
    }
    default:
      return `Path(${n.Type},${n.SubType},${hex(d)})`;
  }
}

function formatMessaging(n: DevicePathNode): string {
  const d = n.data;
  switch (n.SubType) {
    case 0x01: { need(n, 4, 'Ata'); const v = need(n, 4, 'Ata'); return `Ata(${d[0]},${d[1]},${v.getUint16(2, true)})`; }
    case 0x02: { const v = need(n, 4, 'SCSI'); return `SCSI(${v.getUint16(0, true)},${v.getUint16(2, true)})`; }
    case 0x05: need(n, 2, 'USB'); return `USB(${d[0]},${d[1]})`;
    case 0x0b: {
      need(n, 33, 'MAC');
      const ifType = d[32]!;
      return `MAC(${hex(d.subarray(0, ifType < 2 ? 6 : 32))},${ifType})`;
    }
    case 0x0c: {
      const v = need(n, 23, 'IPv4');
      const port = (p: number): string => (p > 0 ? `:${p}` : '');
      const proto = v.getUint16(12, true);
      const protoText = proto === 6 ? 'TCP' : proto === 17 ? 'UDP' : String(proto);
      // IPv4_DEVICE_PATH (UEFI 2.10 §10.3.5.11): Local, Remote, LocalPort, RemotePort, Protocol,
      // StaticIPAddress, GatewayIPAddress @15, SubnetMask @19 — 23 data bytes.
      const tail = `,${ipv4(d, 15)},${ipv4(d, 19)}`;
      return `IPv4(${ipv4(d, 4)}${port(v.getUint16(10, true))},${protoText},${d[14] ? 'Static' : 'DHCP'},${ipv4(d, 0)}${port(v.getUint16(8, true))}${tail})`;
    }
    case 0x0a: {
      need(n, 16, 'VenMsg');
      const g = formatGuid(d, 0);
      const labels: Record<EfiGuid, string> = {
        [EFI_PC_ANSI_GUID]: 'VenPcAnsi', [EFI_VT_100_GUID]: 'VenVt100', [EFI_VT_100_PLUS_GUID]: 'VenVt100Plus',
        [EFI_VT_UTF8_GUID]: 'VenUtf8', [EFI_DEBUGPORT_GUID]: 'DebugPort',
      };
      const label = labels[g];
      if (label) return `${label}(${d.length > 16 ? hex(d.subarray(16)) : ''})`;
      return vendor(n, 'VenMsg');
    }
    case 0x11: need(n, 1, 'Unit'); return `Unit(${d[0]})`;
    case 0x12: { const v = need(n, 6, 'Sata'); return `Sata(${v.getUint16(0, true)},${v.getUint16(2, true)},${v.getUint16(4, true)})`; }
    case 0x14: { const v = need(n, 2, 'Vlan'); return `Vlan(${v.getUint16(0, true)})`; }
    case 0x17: {
      const v = need(n, 12, 'NVMe');
      const eui = Array.from(d.subarray(4, 12), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join('-');
      return `NVMe(${x(v.getUint32(0, true))},${eui})`;
    }
    case 0x18: { let s = ''; for (const b of d) s += String.fromCharCode(b); return `Uri(${s})`; }
    case 0x1a: need(n, 1, 'SD'); return `SD(${d[0]})`;
    case 0x1d: need(n, 1, 'eMMC'); return `eMMC(${d[0]})`;
    default: return `Msg(${n.SubType},${hex(d)})`;
  }
}

function formatMedia(n: DevicePathNode): string {
  const d = n.data;
  switch (n.SubType) {
    case 0x01: {
      const v = need(n, 38, 'HD');
      const part = v.getUint32(0, true);
      const start = x(v.getBigUint64(4, true));
      const size = x(v.getBigUint64(12, true));
      const sigType = d[37]!;
      if (sigType === 0x01) return `HD(${part},MBR,${x(v.getUint32(20, true))},${start},${size})`;
      if (sigType === 0x02) return `HD(${part},GPT,${formatGuid(d, 20)},${start},${size})`;
      return `HD(${part},${sigType},${hex(d.subarray(20, 36))},${start},${size})`;
    }
    case 0x02: { const v = need(n, 20, 'CDROM'); return `CDROM(${v.getUint32(0, true)},${x(v.getBigUint64(4, true))},${x(v.getBigUint64(12, true))})`; }
    case 0x03: return vendor(n, 'VenMedia');
    case 0x04: return ucs2z(d);
    case 0x05: need(n, 16, 'Media'); return `Media(${formatGuid(d, 0)})`;
    case 0x06: need(n, 16, 'FvFile'); return `FvFile(${formatGuid(d, 0)})`;
    case 0x07: need(n, 16, 'FvVol'); return `FvVol(${formatGuid(d, 0)})`;
    case 0x08: { const v = need(n, 20, 'Offset'); return `Offset(${x(v.getBigUint64(4, true))},${x(v.getBigUint64(12, true))})`; }
    default: return `MediaPath(${n.SubType},${hex(d)})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding: the nodes an emulated Gen2 VM boot uses (Hyper-V style VMBus/SCSI disk, GPT ESP).

/** One node from its parts. */
export function devicePathNode(Type: number, SubType: number, data: Uint8Array): Uint8Array {
  const len = 4 + data.length;
  if (len > 0xffff) throw new RangeError('device path node longer than 65535 bytes');
  const out = new Uint8Array(len);
  out[0] = Type;
  out[1] = SubType;
  out[2] = len & 0xff;
  out[3] = len >>> 8;
  out.set(data, 4);
  return out;
}

/** Concatenate nodes and append End Entire. */
export function encodeDevicePath(nodes: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter(64);
  for (const n of nodes) w.bytes(n);
  w.bytes(devicePathNode(END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, new Uint8Array(0)));
  return w.finish();
}

export const dp = {
  pciRoot(uid = 0): Uint8Array {
    const w = new ByteWriter(8).u32le(0x0a0341d0).u32le(uid);
    return devicePathNode(ACPI_DEVICE_PATH, 0x01, w.finish());
  },
  pci(device: number, fn = 0): Uint8Array {
    return devicePathNode(HARDWARE_DEVICE_PATH, 0x01, Uint8Array.of(fn, device));
  },
  vendorHardware(guid: EfiGuid, data: Uint8Array = new Uint8Array(0)): Uint8Array {
    const b = new Uint8Array(16 + data.length);
    b.set(encodeGuid(guid));
    b.set(data, 16);
    return devicePathNode(HARDWARE_DEVICE_PATH, 0x04, b);
  },
  scsi(target: number, lun: number): Uint8Array {
    return devicePathNode(MESSAGING_DEVICE_PATH, 0x02, new ByteWriter(4).u16le(target).u16le(lun).finish());
  },
  /** HD node for a GPT partition (MBRType 0x02, SignatureType 0x02). */
  hardDriveGpt(partitionNumber: number, startLba: bigint, sizeLba: bigint, partitionGuid: EfiGuid): Uint8Array {
    const w = new ByteWriter(38).u32le(partitionNumber).u64le(startLba).u64le(sizeLba).bytes(encodeGuid(partitionGuid)).u8(0x02).u8(0x02);
    return devicePathNode(MEDIA_DEVICE_PATH, 0x01, w.finish());
  },
  /** File path node (`\EFI\BOOT\BOOTX64.EFI`), NUL-terminated UCS-2. */
  filePath(path: string): Uint8Array {
    return devicePathNode(MEDIA_DEVICE_PATH, 0x04, encodeUcs2(path, true));
  },
  firmwareVolume(guid: EfiGuid): Uint8Array {
    return devicePathNode(MEDIA_DEVICE_PATH, 0x07, encodeGuid(guid));
  },
  firmwareFile(guid: EfiGuid): Uint8Array {
    return devicePathNode(MEDIA_DEVICE_PATH, 0x06, encodeGuid(guid));
  },
  /** Relative offset range (firmware volumes and PCI option ROMs in PCR 2 events). */
  offset(start: bigint, end: bigint): Uint8Array {
    return devicePathNode(MEDIA_DEVICE_PATH, 0x08, new ByteWriter(20).u32le(0).u64le(start).u64le(end).finish());
  },
};
