/**
 * EFI_GUID (UEFI 2.10 Appendix A "GUID and Time Formats"): 16 bytes on the wire laid out as
 * `{UINT32 Data1; UINT16 Data2; UINT16 Data3; UINT8 Data4[8]}`, the first three fields
 * little-endian. The text form `aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee` prints Data1..Data3 as
 * numbers (so their bytes appear reversed relative to the wire) and Data4 byte by byte. This is
 * the form UEFI, edk2, efivar and tpm2_eventlog ≥ 5.2 print; tpm2-tools < 5.2 printed the raw
 * bytes in order (keylime #1003), which `formatGuidRawOrder` reproduces for compatibility.
 */
import { WireError } from '../errors.js';

/** A GUID as its canonical lower-case text form (the value type used across the project). */
export type EfiGuid = string;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Text form of the 16 wire bytes at `bytes[offset..offset+16]` (mixed-endian, lower case). */
export function formatGuid(bytes: Uint8Array, offset = 0): EfiGuid {
  if (offset < 0 || offset + 16 > bytes.length) {
    throw new WireError(`truncated: EFI_GUID needs 16 bytes, ${Math.max(0, bytes.length - offset)} left`, offset, 'EFI_GUID');
  }
  const b = (i: number): string => HEX[bytes[offset + i]!]!;
  return (
    b(3) + b(2) + b(1) + b(0) + '-' + b(5) + b(4) + '-' + b(7) + b(6) + '-' + b(8) + b(9) + '-' +
    b(10) + b(11) + b(12) + b(13) + b(14) + b(15)
  );
}

/** The bytes in wire order printed as if they were one big-endian GUID (tpm2-tools < 5.2). */
export function formatGuidRawOrder(bytes: Uint8Array, offset = 0): string {
  const g = formatGuid(bytes, offset).replace(/-/g, '');
  // formatGuid already swapped the first three groups; swap them back.
  const sw = (s: string): string => s.match(/../g)!.reverse().join('');
  return `${sw(g.slice(0, 8))}-${sw(g.slice(8, 12))}-${sw(g.slice(12, 16))}-${g.slice(16, 20)}-${g.slice(20)}`;
}

/** Wire bytes of a GUID text form. Throws RangeError on a malformed string. */
export function encodeGuid(text: EfiGuid): Uint8Array {
  if (!TEXT.test(text)) throw new RangeError(`not a GUID: ${text.slice(0, 40)}`);
  const h = text.replace(/-/g, '');
  const raw = Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16)));
  const out = new Uint8Array(16);
  out[0] = raw[3]!; out[1] = raw[2]!; out[2] = raw[1]!; out[3] = raw[0]!;
  out[4] = raw[5]!; out[5] = raw[4]!; out[6] = raw[7]!; out[7] = raw[6]!;
  out.set(raw.subarray(8), 8);
  return out;
}

/** Lower-case, validated text form (accepts upper case input). */
export function normalizeGuid(text: string): EfiGuid {
  if (!TEXT.test(text)) throw new RangeError(`not a GUID: ${text.slice(0, 40)}`);
  return text.toLowerCase();
}

/**
 * Well-known GUIDs (UEFI 2.10 §3.3 globally defined variables, §32.4.1 signature types; shim
 * `include/guid.h`; Microsoft's signature owner as it appears in db/KEK).
 */
export const EFI_GLOBAL_VARIABLE: EfiGuid = '8be4df61-93ca-11d2-aa0d-00e098032b8c';
export const EFI_IMAGE_SECURITY_DATABASE_GUID: EfiGuid = 'd719b2cb-3d3a-4596-a3bc-dad00e67656f';
export const EFI_CERT_SHA1_GUID: EfiGuid = '826ca512-cf10-4ac9-b187-be01496631bd';
export const EFI_CERT_SHA224_GUID: EfiGuid = '0b6e5233-a65c-44c9-9407-d9ab83bfc8bd';
export const EFI_CERT_SHA256_GUID: EfiGuid = 'c1c41626-504c-4092-aca9-41f936934328';
export const EFI_CERT_SHA384_GUID: EfiGuid = 'ff3e5307-9fd0-48c9-85f1-8ad56c701e01';
export const EFI_CERT_SHA512_GUID: EfiGuid = '093e0fae-a6c4-4f50-9f1b-d41e2b89c19a';
export const EFI_CERT_RSA2048_GUID: EfiGuid = '3c5766e8-269c-4e34-aa14-ed776e85b3b6';
export const EFI_CERT_RSA2048_SHA256_GUID: EfiGuid = 'e2b36190-879b-4a3d-ad8d-f2e7bba32784';
export const EFI_CERT_RSA2048_SHA1_GUID: EfiGuid = '67f8444f-8743-48f1-a328-1eaab8736080';
export const EFI_CERT_X509_GUID: EfiGuid = 'a5c059a1-94e4-4aa7-87b5-ab155c2bf072';
export const EFI_CERT_X509_SHA256_GUID: EfiGuid = '3bd2a492-96c0-4079-b420-fcf98ef103ed';
export const EFI_CERT_X509_SHA384_GUID: EfiGuid = '7076876e-80c2-4ee6-aad2-28b349a6865b';
export const EFI_CERT_X509_SHA512_GUID: EfiGuid = '446dbf63-2502-4cda-bcfa-2465d2b0fe9d';
export const EFI_CERT_TYPE_PKCS7_GUID: EfiGuid = '4aafd29d-68df-49ee-8aa9-347d375665a7';
export const EFI_CERT_TYPE_RSA2048_SHA256_GUID: EfiGuid = 'a7717414-c616-4977-9420-844712a735bf';
/** shim's vendor GUID: MokList, MokListX, MokSBState, SbatLevel, MokListTrusted live under it. */
export const SHIM_LOCK_GUID: EfiGuid = '605dab50-e046-4300-abb6-3dd810dd8b23';
/** SignatureOwner of Microsoft's KEK/db/dbx entries. */
export const MICROSOFT_SIGNATURE_OWNER_GUID: EfiGuid = '77fa9abd-0359-4d32-bd60-28f4e78f784b';
/** Linux initrd media device path (LoadFile2 protocol for the kernel's EFI stub). */
export const LINUX_EFI_INITRD_MEDIA_GUID: EfiGuid = '5568e427-68fc-4f3d-ac74-ca555231cc68';
/** Device path vendor messaging GUIDs (UEFI 2.10 §10.3.5.x). */
export const EFI_PC_ANSI_GUID: EfiGuid = 'e0c14753-f9be-11d2-9a0c-0090273fc14d';
export const EFI_VT_100_GUID: EfiGuid = 'dfa66065-b419-11d3-9a2d-0090273fc14d';
export const EFI_VT_100_PLUS_GUID: EfiGuid = '7baec70b-57e0-4c76-8e87-2f9e28088343';
export const EFI_VT_UTF8_GUID: EfiGuid = 'ad15a0d6-8bec-4acf-a073-d01de77e2d88';
export const EFI_DEBUGPORT_GUID: EfiGuid = 'eba4e8d2-3858-41ec-a281-2647ba9660d0';
export const EFI_UART_DEVICE_PATH_GUID: EfiGuid = '37499a9d-542f-4c89-a026-35da142094e4';
export const EFI_SAS_DEVICE_PATH_GUID: EfiGuid = 'd487ddb4-008b-11d9-afdc-001083ffca4d';
/** edk2's UiApp and the shell as FvFile names seen in Boot#### options. */
export const EDKII_UI_APP_GUID: EfiGuid = '462caa21-7614-4503-836e-8ab6f4662331';

/** Names of well-known GUIDs, for display. */
export const WELL_KNOWN_GUIDS: ReadonlyMap<EfiGuid, string> = new Map([
  [EFI_GLOBAL_VARIABLE, 'EFI_GLOBAL_VARIABLE'],
  [EFI_IMAGE_SECURITY_DATABASE_GUID, 'EFI_IMAGE_SECURITY_DATABASE_GUID'],
  [EFI_CERT_SHA1_GUID, 'EFI_CERT_SHA1_GUID'],
  [EFI_CERT_SHA224_GUID, 'EFI_CERT_SHA224_GUID'],
  [EFI_CERT_SHA256_GUID, 'EFI_CERT_SHA256_GUID'],
  [EFI_CERT_SHA384_GUID, 'EFI_CERT_SHA384_GUID'],
  [EFI_CERT_SHA512_GUID, 'EFI_CERT_SHA512_GUID'],
  [EFI_CERT_RSA2048_GUID, 'EFI_CERT_RSA2048_GUID'],
  [EFI_CERT_RSA2048_SHA256_GUID, 'EFI_CERT_RSA2048_SHA256_GUID'],
  [EFI_CERT_RSA2048_SHA1_GUID, 'EFI_CERT_RSA2048_SHA1_GUID'],
  [EFI_CERT_X509_GUID, 'EFI_CERT_X509_GUID'],
  [EFI_CERT_X509_SHA256_GUID, 'EFI_CERT_X509_SHA256_GUID'],
  [EFI_CERT_X509_SHA384_GUID, 'EFI_CERT_X509_SHA384_GUID'],
  [EFI_CERT_X509_SHA512_GUID, 'EFI_CERT_X509_SHA512_GUID'],
  [EFI_CERT_TYPE_PKCS7_GUID, 'EFI_CERT_TYPE_PKCS7_GUID'],
  [EFI_CERT_TYPE_RSA2048_SHA256_GUID, 'EFI_CERT_TYPE_RSA2048_SHA256_GUID'],
  [SHIM_LOCK_GUID, 'SHIM_LOCK_GUID'],
  [MICROSOFT_SIGNATURE_OWNER_GUID, 'MICROSOFT_SIGNATURE_OWNER_GUID'],
  [LINUX_EFI_INITRD_MEDIA_GUID, 'LINUX_EFI_INITRD_MEDIA_GUID'],
  [EFI_PC_ANSI_GUID, 'EFI_PC_ANSI_GUID'],
  [EFI_VT_100_GUID, 'EFI_VT_100_GUID'],
  [EFI_VT_100_PLUS_GUID, 'EFI_VT_100_PLUS_GUID'],
  [EFI_VT_UTF8_GUID, 'EFI_VT_UTF8_GUID'],
  [EFI_DEBUGPORT_GUID, 'EFI_DEBUGPORT_GUID'],
  [EFI_UART_DEVICE_PATH_GUID, 'EFI_UART_DEVICE_PATH_GUID'],
  [EFI_SAS_DEVICE_PATH_GUID, 'EFI_SAS_DEVICE_PATH_GUID'],
  [EDKII_UI_APP_GUID, 'EDKII_UI_APP_GUID'],
]);

/** The well-known name of a GUID, or undefined. */
export function guidName(guid: EfiGuid): string | undefined {
  return WELL_KNOWN_GUIDS.get(guid.toLowerCase());
}
