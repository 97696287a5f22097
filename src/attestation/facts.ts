/**
 * Boot facts: what the verified measurements say booted, as the policy consumes it. Built only
 * from events `eventlog.verify()` returned (quote-backed) and from an IMA list whose PCR 10
 * replay matched the quote, so every fact is attested. Decoding is lean on purpose — the digests
 * the policy compares are taken from the events themselves; texts and variable data are decoded
 * only for the event types that carry them (PFP §10.4.1; grub `grub-core/commands/tpm.c`; shim
 * README.tpm):
 *
 *   PCR 7  EV_EFI_VARIABLE_DRIVER_CONFIG  SecureBoot, PK, KEK, db, dbx (before the separator)
 *   PCR 7  EV_EFI_VARIABLE_AUTHORITY      entries that authorised images; shim's SbatLevel
 *   PCR 4  EV_EFI_BOOT_SERVICES_APPLICATION  Authenticode digest of each started image
 *   PCR 8  EV_IPL "kernel_cmdline: …"     the kernel command line — the one right after grub's
 *                                        last Linux loader command, with its arguments (the
 *                                        label is not hashed: eventlog grubKernelCommandLine)
 *   PCR 9  EV_IPL "<path>"                files grub read, digest = H(file)
 *   PCR 14 EV_IPL "<MokList…>"            shim's MOK variables, digest = H(contents)
 *   PCR 10 (IMA)                          module files, digest = H(file)
 */
import { TPM_ALG_SHA256 } from '../core/hash.js';
import { EV_EFI_BOOT_SERVICES_APPLICATION, EV_EFI_VARIABLE_AUTHORITY, EV_EFI_VARIABLE_DRIVER_CONFIG, EV_IPL, EV_SEPARATOR, grubKernelCommandLine, ima, parseUefiVariableData, type TcgEvent } from '../eventlog/index.js';
import { isTlError } from '../core/errors.js';

export interface BootFacts {
  /** PCRs whose events are in `events` (verified). */
  readonly verifiedPcrs: ReadonlySet<number>;
  readonly secureBoot: boolean | undefined;
  readonly variables: Readonly<Partial<Record<'PK' | 'KEK' | 'db' | 'dbx', Uint8Array>>>;
  readonly authorities: readonly { readonly variable: string; readonly data: Uint8Array; readonly eventIndex: number }[];
  readonly sbatLevel: string | undefined;
  /** Authenticode SHA-256 (hex) of each started image, in order. */
  readonly applications: readonly { readonly sha256: string; readonly eventIndex: number }[];
  readonly kernelCmdline: string | undefined;
  /** Why grub's kernel command line cannot be attributed (it measured a Linux loader command but no matching command line right after it). */
  readonly kernelCmdlineProblem: string | undefined;
  readonly files: readonly { readonly path: string; readonly sha256: string }[];
  readonly mok: Readonly<Record<string, string>>;
  /** Modules measured by IMA (undefined when the IMA list is not attested). */
  readonly modules: readonly { readonly path: string; readonly name: string; readonly sha256: string; readonly algorithm: string }[] | undefined;
  /** Inconsistencies a verifier must not ignore (duplicated or late variables, an error separator). */
  readonly anomalies: readonly string[];
}

const text = (d: Uint8Array): string => {
  const nul = d.indexOf(0);
  return Buffer.from(nul >= 0 ? d.subarray(0, nul) : d).toString('utf8');
};

const sha256Of = (e: TcgEvent): string | undefined => {
  for (const d of e.digests) if (d.algId === TPM_ALG_SHA256) return Buffer.from(d.digest).toString('hex');
  return undefined;
};

export function bootFacts(events: readonly TcgEvent[], verifiedPcrs: ReadonlySet<number>, imaEntries: readonly ima.ImaEntry[] | undefined): BootFacts {
  let secureBoot: boolean | undefined;
  const variables: Partial<Record<'PK' | 'KEK' | 'db' | 'dbx', Uint8Array>> = {};
  const authorities: { variable: string; data: Uint8Array; eventIndex: number }[] = [];
  const applications: { sha256: string; eventIndex: number }[] = [];
  const files: { path: string; sha256: string }[] = [];
  const mok: Record<string, string> = {};
  const anomalies: string[] = [];
  const seen = new Set<string>();
  let sbatLevel: string | undefined;
  let separator7 = false;
  for (const e of events) {
    if (e.pcrIndex === 7) {
      if (e.eventType === EV_SEPARATOR) {
        if (separator7) anomalies.push(`event ${e.index}: a second PCR 7 separator`);
        if (e.data.length !== 4 || e.data.some((b) => b !== 0)) anomalies.push(`event ${e.index}: the PCR 7 separator signals an error`);
        separator7 = true;
        continue;
      }
      if (e.eventType !== EV_EFI_VARIABLE_DRIVER_CONFIG && e.eventType !== EV_EFI_VARIABLE_AUTHORITY) continue;
      let v;
      try {
        v = parseUefiVariableData(e.data, e.dataOffset);
      } catch (err) {
        if (!isTlError(err)) throw err;
        anomalies.push(`event ${e.index}: ${err.message}`);
        continue;
      }
      if (e.eventType === EV_EFI_VARIABLE_DRIVER_CONFIG) {
        if (separator7) anomalies.push(`event ${e.index}: ${v.UnicodeName} measured after the PCR 7 separator`);
        if (seen.has(v.UnicodeName)) anomalies.push(`event ${e.index}: ${v.UnicodeName} measured twice`);
        seen.add(v.UnicodeName);
        if (v.UnicodeName === 'SecureBoot') secureBoot = v.VariableData.length === 1 && v.VariableData[0] === 1;
        else if (v.UnicodeName === 'PK' || v.UnicodeName === 'KEK' || v.UnicodeName === 'db' || v.UnicodeName === 'dbx') variables[v.UnicodeName] = v.VariableData;
      } else if (v.UnicodeName === 'SbatLevel') {
        sbatLevel = Buffer.from(v.VariableData).toString('utf8');
      } else if (v.UnicodeName !== 'MokListTrusted') {
        authorities.push({ variable: v.UnicodeName, data: v.VariableData, eventIndex: e.index });
      }
      continue;
    }
    if (e.pcrIndex === 4 && e.eventType === EV_EFI_BOOT_SERVICES_APPLICATION) {
      const d = sha256Of(e);
      if (d) applications.push({ sha256: d, eventIndex: e.index });
      continue;
    }
    if (e.eventType !== EV_IPL) continue;
    if (e.pcrIndex === 9) {
      const d = sha256Of(e);
      if (d) files.push({ path: text(e.data), sha256: d });
    } else if (e.pcrIndex === 14) {
      const d = sha256Of(e);
      if (d) mok[text(e.data)] = d;
    }
  }
  let modules: BootFacts['modules'];
  if (imaEntries) {
    const list: { path: string; name: string; sha256: string; algorithm: string }[] = [];
    modules = list;
    for (const m of imaEntries) {
      if (m.path === undefined || m.path === 'boot_aggregate' || !m.fileDigest) continue;
      list.push({ path: m.path, name: m.path.slice(m.path.lastIndexOf('/') + 1), sha256: Buffer.from(m.fileDigest.digest).toString('hex'), algorithm: m.fileDigest.algorithm });
    }
  }
  const grub = grubKernelCommandLine(events);
  return { verifiedPcrs, secureBoot, variables, authorities, sbatLevel, applications, kernelCmdline: grub.cmdline, kernelCmdlineProblem: grub.problem, files, mok, modules, anomalies };
}
