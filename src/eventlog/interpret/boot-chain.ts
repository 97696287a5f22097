/**
 * What booted, from PCRs 1, 4, 8, 9, 12 and 14 — the inputs a measured-boot policy compares with
 * reference values (keylime `elchecking/example.py` refstate: shim/grub/kernel Authenticode
 * digests, kernel command line, initrd digest, MokList/MokListX digests):
 *   - PCR 4: EV_EFI_BOOT_SERVICES_APPLICATION (Authenticode digest per bank, device path) in load
 *     order, and the EV_EFI_ACTION boot-flow markers;
 *   - PCR 8: grub's strings — "kernel_cmdline: …", "grub_cmd: …", "module_cmdline: …". grub hashes
 *     the string without that label (grub-core/commands/tpm.c, grub_tpm_verify_string), so a log
 *     editor can relabel any measured string. `kernelCmdline` is therefore identified by what was
 *     hashed and by order, not by label: grub's script measures every command line it runs, with
 *     its arguments expanded, before running it ("linux /vmlinuz root=… ro", script/execute.c); a
 *     Linux loader command (`linux`, `linuxefi`, `linux16`) then loads the kernel and measures its
 *     arguments as the kernel command line (grub_create_loader_cmdline, which quotes an argument
 *     with a space and backslash-escapes \ ' "), with nothing else in PCR 8 in between. So the
 *     kernel command line is the string measured right after the LAST Linux loader command in PCR 8,
 *     labelled "kernel_cmdline: ", equal to that command's arguments; otherwise it is undefined and
 *     `anomalies` says why. An event whose hashed content cannot be determined (its data binds to no
 *     rule in every bank, or a non-EV_IPL type) after that command also leaves it undefined.
 *     What this cannot tell: grub measures a command before running it, so a party who controls
 *     grub's input (grub.cfg — measured in PCR 9 — or the console), not just the log, can follow a
 *     `linux` that fails after being measured (e.g. its file is missing) with a command whose text is
 *     the command line it wants reported; whether grub then boots the kernel loaded before depends on
 *     the loader. Events verify() dropped for a data mismatch are not seen here: a PCR 8 entry in
 *     `verify().dataMismatches` must fail attestation on its own (it could be the real `linux`).
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
import { digestedData } from '../digest-check.js';
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
  /**
   * The kernel command line grub's last Linux loader command measured (see the module comment);
   * with no such command in PCR 8, the last PCR 12 string (systemd-boot ≥ 251).
   */
  readonly kernelCmdline: string | undefined;
  /** PCR 8 strings by the label the log gives them (labels are not measured: informational only). */
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
  /** Why `kernelCmdline` is undefined although grub strings are present, or other inconsistencies. */
  readonly anomalies: readonly string[];
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
  const anomalies: string[] = [];
  const grub = grubKernelCmdline(events, anomalies);
  const kernelCmdline = grub.found ? grub.cmdline : sdBootCmdlines.at(-1);
  if (!grub.found && kernelCmdlines.length) anomalies.push(`PCR 8 has "kernel_cmdline: " strings but no grub Linux loader command (${LINUX_COMMANDS.join(', ')}) measured before them: none is attributable`);
  return { applications, pcr4Actions, kernelCmdline, kernelCmdlines: kernelCmdlines.length ? kernelCmdlines : sdBootCmdlines, grubCommands, moduleCmdlines, files, mok, bootOrder, bootOptions, pcr5Actions, anomalies };
}

/** grub's Linux loader commands (loader/i386/linux.c, loader/i386/efi/linux.c, loader/arm64/linux.c, loader/i386/pc/linux.c). */
export const LINUX_COMMANDS = ['linux', 'linuxefi', 'linux16'] as const;

const KERNEL_CMDLINE_LABEL = 'kernel_cmdline:';

/** A PCR 8 event as measured: `content` is what its digests hash (undefined when that cannot be told), `label` what grub logged in front. */
interface Pcr8String {
  readonly index: number;
  readonly content: string | undefined;
  readonly label: string | undefined;
}

function pcr8String(e: TcgEvent): Pcr8String {
  const m = e.eventType === T.EV_IPL ? digestedData(e) : undefined;
  if (!m) return { index: e.index, content: undefined, label: undefined };
  const content = new TextDecoder().decode(m.bytes).replace(/\0+$/, '');
  const label = m.rule === 'GrubStringWithoutNul' || m.rule === 'GrubStringWithNul' ? new TextDecoder().decode(e.data.subarray(0, e.data.indexOf(0x20))) : undefined;
  return { index: e.index, content, label };
}

/**
 * The kernel command line as grub's last Linux loader command measured it (below), for a verifier
 * that wants only that: `problem` says why it cannot be attributed when grub measured a Linux
 * loader command; both undefined when grub measured none.
 */
export function grubKernelCommandLine(events: readonly TcgEvent[]): { readonly cmdline: string | undefined; readonly problem: string | undefined } {
  const anomalies: string[] = [];
  const r = grubKernelCmdline(events, anomalies);
  return { cmdline: r.cmdline, problem: r.found ? anomalies[0] : undefined };
}

/**
 * The kernel command line as grub's last Linux loader command measured it: scan PCR 8 from the end
 * for the last string whose *hashed content* is "linux …"/"linuxefi …"/"linux16 …" (whatever its
 * label), then require the next PCR 8 string to be labelled "kernel_cmdline: " and to hash exactly
 * that command's arguments as grub_create_loader_cmdline writes them.
 */
function grubKernelCmdline(events: readonly TcgEvent[], anomalies: string[]): { found: boolean; cmdline?: string } {
  const pcr8 = events.filter((e) => e.pcrIndex === 8);
  const memo = new Map<number, Pcr8String>(); // hashed lazily: from the end, usually a few events
  const at = (i: number): Pcr8String => {
    let s = memo.get(i);
    if (!s) memo.set(i, (s = pcr8String(pcr8[i]!)));
    return s;
  };
  for (let i = pcr8.length - 1; i >= 0; i--) {
    const s = at(i);
    const cmd = s.content === undefined ? undefined : LINUX_COMMANDS.find((c) => s.content!.startsWith(`${c} `));
    if (!cmd) continue;
    const args = s.content!.slice(cmd.length + 1);
    for (let j = i + 1; j < pcr8.length; j++) {
      // Unknown content after it could itself be a later Linux loader command.
      if (at(j).content === undefined) {
        anomalies.push(`PCR 8 event ${at(j).index}, after grub's last Linux loader command (event ${s.index}), has no content bound to its digests (its type or data is not grub's): the kernel command line cannot be attributed`);
        return { found: true };
      }
    }
    const next = i + 1 < pcr8.length ? at(i + 1) : undefined;
    if (!next) {
      anomalies.push(`grub's last Linux loader command (event ${s.index}) is the last PCR 8 event: no kernel command line was measured after it`);
      return { found: true };
    }
    if (next.label !== KERNEL_CMDLINE_LABEL || grubCommandArgs(next.content!) !== args) {
      anomalies.push(`PCR 8 event ${next.index}, right after grub's last Linux loader command (event ${s.index}), is not that command's kernel command line ("kernel_cmdline: " and its arguments)`);
      return { found: true };
    }
    return { found: true, cmdline: next.content };
  }
  return { found: false };
}

/**
 * The arguments of the grub command that produced a kernel command line, as grub's script measures
 * them (joined by single spaces): grub_create_loader_cmdline (grub-core/lib/cmdline.c) wraps an
 * argument containing a space in double quotes and puts a backslash before \ ' and ". Undefined
 * when `cmdline` is not something it writes.
 */
export function grubCommandArgs(cmdline: string): string | undefined {
  const args: string[] = [];
  let i = 0;
  for (;;) {
    let arg = '';
    const quoted = cmdline[i] === '"';
    if (quoted) i++;
    for (;;) {
      if (i >= cmdline.length) {
        if (quoted) return undefined; // unterminated quote
        break;
      }
      const c = cmdline[i]!;
      if (c === '\\') {
        if (i + 1 >= cmdline.length) return undefined;
        arg += cmdline[i + 1];
        i += 2;
      } else if (quoted && c === '"') {
        i++;
        break;
      } else if (!quoted && c === ' ') {
        break;
      } else {
        arg += c;
        i++;
      }
    }
    args.push(arg);
    if (i >= cmdline.length) return args.join(' ');
    if (cmdline[i] !== ' ') return undefined;
    i++;
  }
}
