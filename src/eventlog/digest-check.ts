/**
 * Is an event's data bound to its digest? Replay only proves the *digests*; a policy reads the
 * *data*. For event types whose digest is a hash of (part of) the data, we recompute it for every
 * bank; data that contradicts its digest must not be trusted even if the PCR replays.
 *
 * Rules (each named; the first ones are the spec's, the others real firmware/bootloader variants):
 *   - EV_SEPARATOR, EV_EFI_ACTION, EV_S_CRTM_VERSION, EV_EFI_GPT_EVENT,
 *     EV_EFI_VARIABLE_DRIVER_CONFIG, EV_EFI_VARIABLE_AUTHORITY: H(event data) (PFP §10.4.1 Table 9).
 *   - EV_EFI_VARIABLE_BOOT(2): H(VariableData) (TCG EFI Platform 1.22 §7.8, edk2 Tcg2Dxe) or, on the
 *     firmware listed in reference/tpm-attestation.md §4, H(whole UEFI_VARIABLE_DATA).
 *   - EV_IPL in PCR 8 (grub, rhboot/grub2 `grub-core/commands/tpm.c`): H(string after the
 *     "kernel_cmdline: "/"grub_cmd: " prefix, without its NUL), or with the NUL (tpm2_eventlog accepts
 *     both), or H(event data). grub hashes the string alone and logs the label in front of it
 *     (grub_tpm_verify_string), so the label is not bound: an editor can relabel a measured string
 *     (interpret/boot-chain.ts therefore identifies the kernel command line by content and order).
 *   - EV_IPL in PCR 12 (systemd-boot ≥ 251): H(event data).
 * Named variants seen in the corpus:
 *   - ShimAuthorityExtraByte: shim's "Shim" EV_EFI_VARIABLE_AUTHORITY event logs one byte more than
 *     it hashed (go-attestation #157 / PR #158; tpm2-tools fixture event-postcode.bin events 40, 54).
 *   - SystemdBootUtf16MissingNulByte: systemd-boot < 251 hashed the UTF-16 command line with its
 *     2-byte NUL into PCR 8 but logged one byte less (odd length; event-arch-linux.bin event 24,
 *     the event tpm2_eventlog warns about in event-arch-linux.bin.warn).
 * Everything else (image Authenticode hashes, files in PCR 9, MokList in PCR 14, firmware blobs)
 * cannot be checked from the log alone: `unverifiable`.
 */
import { hash as oneShotHash } from 'node:crypto';
import { bytesEqual } from '../core/bytes.js';
import { hashById } from '../core/hash.js';
import { parseUefiVariableData } from './decode/variable.js';
import * as T from './event-types.js';
import type { TcgEvent } from './log-types.js';

export type DigestRule =
  | 'EventData'
  | 'VariableData'
  | 'WholeUefiVariableData'
  | 'GrubStringWithoutNul'
  | 'GrubStringWithNul'
  | 'ShimAuthorityExtraByte'
  | 'SystemdBootUtf16MissingNulByte';

export type DigestCheck =
  | { readonly status: 'ok'; readonly rule: DigestRule }
  | { readonly status: 'mismatch'; readonly tried: readonly DigestRule[] }
  | { readonly status: 'unverifiable' };

const DATA_HASHED = new Set([
  T.EV_SEPARATOR, T.EV_EFI_ACTION, T.EV_S_CRTM_VERSION, T.EV_EFI_GPT_EVENT, T.EV_EFI_VARIABLE_DRIVER_CONFIG, T.EV_EFI_VARIABLE_AUTHORITY,
]);

function candidates(e: TcgEvent): [DigestRule, Uint8Array][] | undefined {
  const d = e.data;
  if (e.eventType === T.EV_EFI_VARIABLE_AUTHORITY && d.length > 0) return [['EventData', d], ['ShimAuthorityExtraByte', d.subarray(0, d.length - 1)]];
  if (DATA_HASHED.has(e.eventType)) return [['EventData', d]];
  if (e.eventType === T.EV_EFI_VARIABLE_BOOT || e.eventType === T.EV_EFI_VARIABLE_BOOT2) {
    try {
      const v = parseUefiVariableData(d, e.dataOffset);
      return [['VariableData', v.VariableData], ['WholeUefiVariableData', d]];
    } catch {
      return [['WholeUefiVariableData', d]];
    }
  }
  if (e.eventType === T.EV_IPL && e.pcrIndex === 12) return [['EventData', d]];
  if (e.eventType === T.EV_IPL && e.pcrIndex === 8) {
    const sp = d.indexOf(0x20);
    const out: [DigestRule, Uint8Array][] = [];
    if (sp >= 0 && d.length > sp + 1 && d[d.length - 1] === 0) {
      out.push(['GrubStringWithoutNul', d.subarray(sp + 1, d.length - 1)], ['GrubStringWithNul', d.subarray(sp + 1)]);
    }
    out.push(['EventData', d]);
    if (d.length % 2 === 1 && d[d.length - 1] === 0) {
      const padded = new Uint8Array(d.length + 1);
      padded.set(d);
      out.push(['SystemdBootUtf16MissingNulByte', padded]);
    }
    return out;
  }
  return undefined;
}

/**
 * Check `e`'s data against its digests: every computable bank, or only `banks` — a verifier passes
 * the banks the TPM quoted, since digests of other banks prove nothing (verify.ts).
 */
export function checkEventDigest(e: TcgEvent, banks?: ReadonlySet<number>): DigestCheck {
  const m = match(e, banks);
  if (m === 'unverifiable') return { status: 'unverifiable' };
  if (Array.isArray(m)) return { status: 'ok', rule: m[0] };
  return { status: 'mismatch', tried: candidates(e)!.map(([r]) => r) };
}

/**
 * The bytes `e`'s digests are a hash of — the measured content, which the event data may present
 * with more around it (grub's "kernel_cmdline: " label is not hashed) — by the first rule that holds
 * in every computable bank (or only `banks`); undefined when none holds or none can be checked.
 */
export function digestedData(e: TcgEvent, banks?: ReadonlySet<number>): { readonly rule: DigestRule; readonly bytes: Uint8Array } | undefined {
  const m = match(e, banks);
  return Array.isArray(m) ? { rule: m[0], bytes: m[1] } : undefined;
}

function match(e: TcgEvent, banks?: ReadonlySet<number>): [DigestRule, Uint8Array] | 'mismatch' | 'unverifiable' {
  if (e.eventType === T.EV_NO_ACTION) return 'unverifiable';
  const cands = candidates(e);
  if (!cands) return 'unverifiable';
  const computable = e.digests.filter((x) => hashById(x.algId)?.nodeName !== undefined && (!banks || banks.has(x.algId)));
  if (computable.length === 0) return 'unverifiable';
  for (const c of cands) {
    if (computable.every((x) => bytesEqual(oneShotHash(hashById(x.algId)!.nodeName!, c[1], 'buffer'), x.digest))) return c;
  }
  return 'mismatch';
}
