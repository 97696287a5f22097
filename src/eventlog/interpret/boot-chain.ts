/**
 * What booted, from PCRs 1, 4, 8, 9, 12 and 14 — the inputs a measured-boot policy compares with
 * reference values (keylime `elchecking/example.py` refstate: shim/grub/kernel Authenticode
 * digests, kernel command line, initrd digest, MokList/MokListX digests):
 *   - PCR 4: EV_EFI_BOOT_SERVICES_APPLICATION (Authenticode digest per bank, device path) in load
 *     order, and the EV_EFI_ACTION boot-flow markers;
 *   - PCR 8: grub's strings — "kernel_cmdline: …", "grub_cmd: …", "module_cmdline: …";
 *   - PCR 9: files grub read (path + content digest per bank): kernel, initrd, grub.cfg, modules;
 *   - PCR 12: systemd-boot ≥ 251 kernel command line (UTF-16);
 *   - PCR 14: shim's MokList / MokListX / MokSBState / MokListTrusted measurements (EV_IPL named
 *     by the variable; the digest is of the variable's contents);
 *   - PCR 1: BootOrder and Boot#### options.
 * Pass `verify()`'s events so every value is quote-backed. Digests are lower-case hex by bank name.
 */
import { hashById } from '../../core/hash.js';
import { decodeEvent } from '../decode/index.js';
import { decodeEventText } from '../decode/strings.js';
import * as T from '../event-types.js';
import type { TcgEvent } from '../log-types.js';

export type DigestsByBank = Readonly<Record<string, string>>;

export interface BootApplication {
  readonly eventIndex: number;
  /** Authenticode digest per bank: `{ sha256: '…' }`. */
  readonly authenticode: DigestsByBank;
  readonly devicePath: string | undefined;
  readonly imageLength: string;
}

export interface MeasuredFile {
  readonly eventIndex: number;
  readonly path: string;
  readonly digests: DigestsByBank;
}

export interface BootChain {
  readonly applications: readonly BootApplication[];
  /** PCR 4 EV_EFI_ACTION strings in order ("Calling EFI Application from Boot Option", …). */
  readonly pcr4Actions: readonly string[];
  /** The last "kernel_cmdline: " string of PCR 8 (grub), else the PCR 12 one (systemd-boot). */
  readonly kernelCmdline: string | undefined;
  readonly kernelCmdlines: readonly string[];
  readonly grubCommands: readonly string[];
  readonly moduleCmdlines: readonly string[];
  readonly files: readonly MeasuredFile[];
  /** PCR 14 shim measurements by variable name (MokList, MokListX, MokSBState, MokListTrusted). */
  readonly mok: Readonly<Record<string, DigestsByBank>>;
  readonly bootOrder: readonly number[] | undefined;
  readonly bootOptions: readonly { readonly name: string; readonly description: string; readonly devicePath: string | undefined; readonly active: boolean }[];
  /** PCR 5 EV_EFI_ACTION strings (Exit Boot Services markers). */
  readonly pcr5Actions: readonly string[];
}

function digestsByBank(e: TcgEvent): DigestsByBank {
  const out: Record<string, string> = {};
  for (const d of e.digests) out[hashById(d.algId)?.name ?? `0x${d.algId.toString(16)}`] = Buffer.from(d.digest).toString('hex');
  return out;
}

export function bootChain(events: readonly TcgEvent[]): BootChain {
  const applications: BootApplication[] = [];
  const pcr4Actions: string[] = [];
  const pcr5Actions: string[] = [];
  const kernelCmdlines: string[] = [];
  const sdBootCmdlines: string[] = [];
  const grubCommands: string[] = [];
  const moduleCmdlines: string[] = [];
  const files: MeasuredFile[] = [];
  const mok: Record<string, DigestsByBank> = {};
  let bootOrder: number[] | undefined;
  const bootOptions: { name: string; description: string; devicePath: string | undefined; active: boolean }[] = [];
  for (const e of events) {
    switch (e.eventType) {
      case T.EV_EFI_BOOT_SERVICES_APPLICATION: {
        if (e.pcrIndex !== 4) break;
        const d = decodeEvent(e);
        applications.push({
          eventIndex: e.index, authenticode: digestsByBank(e),
          devicePath: d.kind === 'imageLoad' ? d.image.devicePathText : undefined,
          imageLength: d.kind === 'imageLoad' ? d.image.ImageLengthInMemory.toString() : '',
        });
        break;
      }
      case T.EV_EFI_ACTION: {
        const text = decodeEventText(e.data);
        if (e.pcrIndex === 4) pcr4Actions.push(text);
        if (e.pcrIndex === 5) pcr5Actions.push(text);
        break;
      }
      case T.EV_IPL: {
        const text = decodeEventText(e.data);
        if (e.pcrIndex === 8) {
          if (text.startsWith('kernel_cmdline: ')) kernelCmdlines.push(text.slice(16));
          else if (text.startsWith('grub_cmd: ')) grubCommands.push(text.slice(10));
          else if (text.startsWith('module_cmdline: ')) moduleCmdlines.push(text.slice(16));
        } else if (e.pcrIndex === 9) files.push({ eventIndex: e.index, path: text, digests: digestsByBank(e) });
        else if (e.pcrIndex === 12) sdBootCmdlines.push(text);
        else if (e.pcrIndex === 14) mok[text] = digestsByBank(e);
        break;
      }
      case T.EV_EFI_VARIABLE_BOOT:
      case T.EV_EFI_VARIABLE_BOOT2: {
        const d = decodeEvent(e);
        if (d.kind !== 'variable') break;
        if (d.value.kind === 'bootOrder') bootOrder = [...d.value.order];
        else if (d.value.kind === 'loadOption') {
          bootOptions.push({ name: d.variable.UnicodeName, description: d.value.description, devicePath: d.value.devicePath, active: (d.value.attributes & 1) === 1 });
        }
        break;
      }
    }
  }
  const kernelCmdline = kernelCmdlines.at(-1) ?? sdBootCmdlines.at(-1);
  return { applications, pcr4Actions, kernelCmdline, kernelCmdlines: kernelCmdlines.length ? kernelCmdlines : sdBootCmdlines, grubCommands, moduleCmdlines, files, mok, bootOrder, bootOptions, pcr5Actions };
}
