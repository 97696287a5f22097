/**
 * Typed decoding of event data, by event type (PFP §10.4.1 Table 9). Decoding never throws on
 * malformed data: it returns `{ kind: 'error' }` with the WireError, so one bad event does not hide
 * the rest of the log. All decoded data is *unverified* until `verify()` says its PCR replays.
 */
import { WireError } from '../../core/errors.js';
import * as T from '../event-types.js';
import type { TcgEfiSpecIdEvent, TcgEvent } from '../log-types.js';
import { parseSpecIdEvent } from '../parse.js';
import { parseFirmwareBlob, parseFirmwareBlob2, parseHandoffTables, type UefiHandoffTables, type UefiPlatformFirmwareBlob } from './firmware.js';
import { parseGptData, type UefiGptData } from './gpt.js';
import { parseImageLoadEvent, type UefiImageLoadEvent } from './image-load.js';
import { noActionSignature, parseStartupLocality } from './no-action.js';
import { decodeEventText } from './strings.js';
import { decodeVariableValue, parseUefiVariableData, type UefiVariableData, type UefiVariableValue } from './variable.js';

export type DecodedEvent =
  | { readonly kind: 'specId'; readonly specId: TcgEfiSpecIdEvent }
  | { readonly kind: 'startupLocality'; readonly locality: number }
  | { readonly kind: 'noAction'; readonly signature: string | undefined }
  | { readonly kind: 'separator'; readonly value: number; readonly error: boolean }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'variable'; readonly variable: UefiVariableData; readonly value: UefiVariableValue }
  | { readonly kind: 'imageLoad'; readonly image: UefiImageLoadEvent }
  | { readonly kind: 'firmwareBlob'; readonly blob: UefiPlatformFirmwareBlob }
  | { readonly kind: 'handoffTables'; readonly handoff: UefiHandoffTables }
  | { readonly kind: 'gpt'; readonly gpt: UefiGptData }
  | { readonly kind: 'raw' }
  | { readonly kind: 'error'; readonly error: WireError };

export function decodeEvent(e: TcgEvent): DecodedEvent {
  try {
    return decode(e);
  } catch (err) {
    if (err instanceof WireError) return { kind: 'error', error: err };
    throw err;
  }
}

function decode(e: TcgEvent): DecodedEvent {
  const d = e.data;
  const at = e.dataOffset;
  switch (e.eventType) {
    case T.EV_NO_ACTION: {
      if (e.index === 0 && noActionSignature(d) === 'Spec ID Event03') return { kind: 'specId', specId: parseSpecIdEvent(d, at) };
      const locality = parseStartupLocality(d);
      if (locality !== undefined) return { kind: 'startupLocality', locality };
      return { kind: 'noAction', signature: noActionSignature(d) };
    }
    case T.EV_SEPARATOR: {
      if (d.length !== 4) return { kind: 'raw' };
      const value = (d[0]! | (d[1]! << 8) | (d[2]! << 16) | (d[3]! << 24)) >>> 0;
      return { kind: 'separator', value, error: value !== 0 };
    }
    case T.EV_EFI_ACTION:
    case T.EV_ACTION:
    case T.EV_IPL:
    case T.EV_EFI_HCRTM_EVENT:
    case T.EV_OMIT_BOOT_DEVICE_EVENTS:
      return { kind: 'text', text: decodeEventText(d) };
    case T.EV_S_CRTM_VERSION:
      return d.length === 16 && d[14] !== 0 ? { kind: 'raw' } : { kind: 'text', text: decodeEventText(d) };
    case T.EV_POST_CODE:
      if (d.length === 16) return { kind: 'firmwareBlob', blob: parseFirmwareBlob(d, at) };
      return { kind: 'text', text: decodeEventText(d) };
    case T.EV_S_CRTM_CONTENTS:
      // UEFI_PLATFORM_FIRMWARE_BLOB, or text such as Intel Boot Guard's "Boot Guard Measured S-CRTM".
      return d.length === 16 ? { kind: 'firmwareBlob', blob: parseFirmwareBlob(d, at) } : { kind: 'text', text: decodeEventText(d) };
    case T.EV_EFI_PLATFORM_FIRMWARE_BLOB:
      return { kind: 'firmwareBlob', blob: parseFirmwareBlob(d, at) };
    case T.EV_EFI_PLATFORM_FIRMWARE_BLOB2:
      return { kind: 'firmwareBlob', blob: parseFirmwareBlob2(d, at) };
    case T.EV_EFI_HANDOFF_TABLES:
      return { kind: 'handoffTables', handoff: parseHandoffTables(d, at) };
    case T.EV_EFI_HANDOFF_TABLES2:
      return { kind: 'handoffTables', handoff: parseHandoffTables(d, at, true) };
    case T.EV_EFI_VARIABLE_DRIVER_CONFIG:
    case T.EV_EFI_VARIABLE_BOOT:
    case T.EV_EFI_VARIABLE_BOOT2:
    case T.EV_EFI_VARIABLE_AUTHORITY: {
      const variable = parseUefiVariableData(d, at);
      return { kind: 'variable', variable, value: decodeVariableValue(variable, e.eventType) };
    }
    case T.EV_EFI_BOOT_SERVICES_APPLICATION:
    case T.EV_EFI_BOOT_SERVICES_DRIVER:
    case T.EV_EFI_RUNTIME_SERVICES_DRIVER:
      return { kind: 'imageLoad', image: parseImageLoadEvent(d, at) };
    case T.EV_EFI_GPT_EVENT:
      return { kind: 'gpt', gpt: parseGptData(d, at) };
    default:
      return { kind: 'raw' };
  }
}

export type { UefiVariableData, UefiVariableValue, UefiImageLoadEvent, UefiGptData, UefiPlatformFirmwareBlob, UefiHandoffTables };
