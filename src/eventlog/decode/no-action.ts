/**
 * EV_NO_ACTION payloads (PFP §10.4.5): events that are logged but never extended.
 *   - "Spec ID Event03\0" TCG_EfiSpecIDEvent (parse.ts),
 *   - "StartupLocality\0" + UINT8 StartupLocality (§10.4.5.3),
 *   - "SP800-155 Event\0" / "SP800-155 Event3\0" reference manifests (§10.4.5.2, kept raw),
 *   - "NvIndexDynamic\0", "NvIndexInstance\0" (PFP 1.06, kept raw).
 */
export const STARTUP_LOCALITY_SIGNATURE = 'StartupLocality\0';

function startsWith(data: Uint8Array, sig: string): boolean {
  if (data.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (data[i] !== sig.charCodeAt(i)) return false;
  return true;
}

/** The locality of a StartupLocality event's data (17 bytes), or undefined for any other payload. */
export function parseStartupLocality(data: Uint8Array): number | undefined {
  if (data.length < 17 || !startsWith(data, STARTUP_LOCALITY_SIGNATURE)) return undefined;
  return data[16];
}

/** The NUL-terminated ASCII signature at the start of an EV_NO_ACTION payload, if it looks like one. */
export function noActionSignature(data: Uint8Array): string | undefined {
  const end = data.indexOf(0);
  if (end <= 0 || end > 24) return undefined;
  for (let i = 0; i < end; i++) if (data[i]! < 0x20 || data[i]! > 0x7e) return undefined;
  return String.fromCharCode(...data.subarray(0, end));
}
