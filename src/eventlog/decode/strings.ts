/**
 * Text payloads. EV_EFI_ACTION and EV_ACTION are ASCII without terminator (PFP §10.4.1);
 * EV_IPL text comes from grub (UTF-8, NUL-terminated, e.g. "grub_cmd: linux …\0"), shim
 * ("MokList\0") or systemd-boot (UTF-16LE); EV_S_CRTM_VERSION is a UCS-2 string on edk2/GCE
 * firmware and a GUID on some others; EV_POST_CODE may be an ASCII label.
 */
import { decodeUcs2 } from '../../core/efi/index.js';

/** True when `d` looks like UTF-16LE text: even length, every high byte zero, ends in a NUL code unit. */
export function looksUtf16(d: Uint8Array): boolean {
  if (d.length < 4 || d.length % 2 !== 0 || d[d.length - 1] !== 0 || d[d.length - 2] !== 0) return false;
  for (let i = 1; i < d.length; i += 2) if (d[i] !== 0) return false;
  return true;
}

/** Decode text the way a reader expects it: UTF-16LE when it looks like it, else UTF-8; trailing NULs removed. */
export function decodeEventText(d: Uint8Array): string {
  const s = looksUtf16(d) ? decodeUcs2(d, 0, d.length / 2) : new TextDecoder().decode(d);
  return s.replace(/\0+$/, '');
}
