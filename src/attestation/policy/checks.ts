/**
 * The built-in checks, and `compilePolicy`: the policy document plus a node image's reference
 * values become the ordered list of checks the verifier runs. Every finding names the component
 * and gives the expected (baseline) and actual (measured) values.
 */
import { createHash } from 'node:crypto';
import { parseSignatureData } from '../../core/efi/index.js';
import { parseCertificate, formatName } from '../../core/asn1/index.js';
import { finding, type Finding } from '../findings.js';
import { all, check, when, type Check, type CheckContext } from './check.js';
import type { AttestationPolicy } from './document.js';
import { referenceDatabase, type ReferenceValues, type SecureBootVariable } from './reference.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const short = (hex: string): string => `${hex.slice(0, 16)}…`;

/** Secure Boot must be on (suppressed, not hidden, when the policy audits it). */
export const secureBootEnabled = check('secureboot.enabled', [7], ({ facts, policy }) => {
  if (facts.secureBoot === undefined) return [finding('secureboot.state_unknown', 'SecureBoot', 'The SecureBoot variable was not measured into PCR 7, so the Secure Boot state is unknown.', { expected: 'measured', actual: 'not measured' })];
  if (facts.secureBoot) return [];
  const f = finding('secureboot.disabled', 'SecureBoot', `Secure Boot is disabled (the SecureBoot variable measured in PCR 7 is 0).${policy.secureBoot === 'audit' ? ' The policy audits this: reported, not failing.' : ''}`, { expected: '1 (enabled)', actual: '0 (disabled)' });
  return [policy.secureBoot === 'audit' ? { ...f, suppressed: true } : f];
});

export const secureBootConsistent = check('secureboot.consistent', [7], ({ facts }) => facts.anomalies.map((a) => finding('secureboot.anomaly', 'PCR 7', a)));

function describeEntries(ids: readonly string[], ref: { entries: readonly { id: string; subject?: string }[] } | undefined, limit = 3): string {
  const subj = new Map(ref?.entries.map((e) => [e.id, e.subject]) ?? []);
  const names = ids.slice(0, limit).map((id) => (subj.get(id) ? `"${subj.get(id)}"` : short(id)));
  return names.join(', ') + (ids.length > limit ? ` and ${ids.length - limit} more` : '');
}

const VARIABLE_FINDING = { PK: 'secureboot.pk_modified', KEK: 'secureboot.kek_modified', db: 'secureboot.db_modified', dbx: 'secureboot.dbx_modified' } as const;

/** PK, KEK and db must equal the image's; dbx must contain every revocation the image's has (it may only grow). */
function variableCheck(name: SecureBootVariable): Check {
  return check(`secureboot.${name}`, [7], ({ facts, refs }) => {
    const ref = refs!.secureBootVariables[name];
    const measured = facts.variables[name];
    if (!measured) return [finding(VARIABLE_FINDING[name], name, `${name} was not measured into PCR 7.`, { expected: ref.sha256, actual: 'not measured' })];
    const actualSha = sha256(measured);
    if (actualSha === ref.sha256) return [];
    const got = referenceDatabase(measured);
    const gotIds = new Set(got.entries.map((e) => e.id));
    const refIds = new Set(ref.entries.map((e) => e.id));
    const removed = ref.entries.filter((e) => !gotIds.has(e.id)).map((e) => e.id);
    const added = got.entries.filter((e) => !refIds.has(e.id)).map((e) => e.id);
    if (name === 'dbx') {
      if (removed.length === 0) return []; // a newer dbx (more revocations) is fine
      return [finding('secureboot.dbx_modified', 'dbx', `dbx lacks ${removed.length} of the image's ${ref.entries.length} revocation${ref.entries.length === 1 ? '' : 's'} (rolled back): ${describeEntries(removed, ref)}.`, { expected: `${ref.entries.length} entries (${ref.sha256})`, actual: `${got.entries.length} entries (${actualSha})` })];
    }
    const parts: string[] = [];
    if (added.length) parts.push(`${added.length} entr${added.length === 1 ? 'y' : 'ies'} the image does not have: ${describeEntries(added, got)}`);
    if (removed.length) parts.push(`${removed.length} of the image's entries missing: ${describeEntries(removed, ref)}`);
    if (!parts.length) parts.push('the same entries in another encoding');
    return [finding(VARIABLE_FINDING[name], name, `${name} differs from the image's: ${parts.join('; ')}.`, { expected: ref.sha256, actual: actualSha })];
  });
}

function authoritySubject(data: Uint8Array): string {
  try {
    const sd = parseSignatureData(data);
    if (sd.SignatureData[0] === 0x30) return formatName(parseCertificate(sd.SignatureData).subject) || 'a certificate';
    return `hash ${short(Buffer.from(sd.SignatureData).toString('hex'))}`;
  } catch {
    return `entry ${short(sha256(data))}`;
  }
}

/** Under Secure Boot, each image must have been authorised by an entry the image's chain uses. */
export const authorities = check('secureboot.authorities', [7], ({ facts, refs }) => {
  const expected = new Set(refs!.authorities.map((a) => a.signatureData));
  const known = (d: Uint8Array) => expected.has(Buffer.from(d).toString('hex'));
  return facts.authorities
    .filter((a) => !known(a.data))
    .map((a) => {
      const who = authoritySubject(a.data);
      return finding('secureboot.authority_untrusted', who, `A boot component was authorised by ${a.variable} entry ${who} (event ${a.eventIndex}), not by one the image's chain is signed with.`, {
        expected: refs!.authorities.map((x) => x.subject ?? x.database).join('; ') || 'none',
        actual: `${a.variable}: ${who}`,
      });
    });
});

export const sbatLevel = check('secureboot.sbat', [7], ({ facts, refs }) =>
  facts.sbatLevel !== undefined && refs!.sbatLevel !== undefined && facts.sbatLevel !== refs!.sbatLevel
    ? [finding('secureboot.sbat_level_mismatch', 'SbatLevel', 'shim measured another SBAT revocation level than the image applies.', { expected: refs!.sbatLevel.trim(), actual: facts.sbatLevel.trim() })]
    : [],
);

const APP_FINDING = { shim: 'boot.shim.authenticode_mismatch', bootloader: 'boot.bootloader.authenticode_mismatch', kernel: 'boot.kernel.authenticode_mismatch' } as const;

/** PCR 4: shim, grub and the kernel, in that order, with the image's Authenticode digests. */
export const bootApplications = check('boot.applications', [4], ({ facts, refs }) => {
  const want = refs!.bootApplications;
  const out: Finding[] = [];
  facts.applications.forEach((a, i) => {
    const w = want[i];
    if (!w) {
      out.push(finding('boot.application_unexpected', `EFI application #${i + 1}`, `An EFI application the image does not start was started (event ${a.eventIndex}).`, { expected: `${want.length} applications`, actual: a.sha256 }));
    } else if (a.sha256 !== w.authenticodeSha256) {
      out.push(finding(APP_FINDING[w.stage], w.name, `${w.name} (${w.stage}) was measured with Authenticode SHA-256 ${a.sha256}, not the image's ${w.authenticodeSha256}: it was modified or replaced.`, { expected: w.authenticodeSha256, actual: a.sha256 }));
    }
  });
  for (const w of want.slice(facts.applications.length)) {
    out.push(finding('boot.application_missing', w.name, `${w.name} (${w.stage}) was not measured into PCR 4.`, { expected: w.authenticodeSha256, actual: 'not measured' }));
  }
  return out;
});

const DEBUG_OPTIONS = /(?:^|\s)(kgdboc=\S*|kgdbwait|kgdbdbgp=\S*|kgdbcon)(?=\s|$)/;

export const kernelDebug = check('kernel.debug', [8], ({ facts }) => {
  const m = facts.kernelCmdline?.match(DEBUG_OPTIONS);
  return m ? [finding('kernel.debug_enabled', 'kernel command line', `The kernel command line enables the kernel debugger (${m[1]}).`, { expected: 'no kgdb options', actual: facts.kernelCmdline })] : [];
});

function cmdlineDiff(expected: string, actual: string): string {
  const e = new Set(expected.split(/\s+/));
  const a = new Set(actual.split(/\s+/));
  const added = [...a].filter((x) => !e.has(x));
  const removed = [...e].filter((x) => !a.has(x));
  return [added.length ? `added ${added.join(' ')}` : '', removed.length ? `removed ${removed.join(' ')}` : ''].filter(Boolean).join('; ') || 'reordered';
}

export const kernelCmdline = check('kernel.cmdline', [8], ({ facts, refs, policy }) => {
  const actual = facts.kernelCmdline;
  const ok = [refs!.kernelCmdline, ...policy.allowedKernelCommandLines];
  if (actual !== undefined && ok.includes(actual)) return [];
  if (actual === undefined) {
    return facts.kernelCmdlineProblem
      ? [finding('kernel.cmdline_modified', 'kernel command line', `The kernel command line cannot be attributed: ${facts.kernelCmdlineProblem}.`, { expected: refs!.kernelCmdline, actual: 'not attributable' })]
      : [finding('kernel.cmdline_modified', 'kernel command line', 'grub measured no kernel command line into PCR 8.', { expected: refs!.kernelCmdline, actual: 'not measured' })];
  }
  return [finding('kernel.cmdline_modified', 'kernel command line', `The kernel command line differs from the image's (${cmdlineDiff(refs!.kernelCmdline, actual)}).`, { expected: refs!.kernelCmdline, actual })];
});

/** PCR 9: the kernel and initrd files grub read. */
export const bootFiles = check('boot.files', [9], ({ facts, refs }) => {
  const out: Finding[] = [];
  const want = [
    { id: 'boot.kernel.file_mismatch' as const, ...refs!.kernel },
    ...(refs!.initrd ? [{ id: 'boot.initrd.file_mismatch' as const, ...refs!.initrd }] : []),
  ];
  for (const w of want) {
    const got = facts.files.filter((f) => f.path === w.path || f.path.endsWith(`)${w.path}`));
    const name = w.path.slice(w.path.lastIndexOf('/') + 1);
    if (!got.length) out.push(finding(w.id, name, `grub did not measure ${w.path} into PCR 9.`, { expected: w.sha256, actual: 'not measured' }));
    for (const g of got) if (g.sha256 !== w.sha256) out.push(finding(w.id, name, `${w.path} was read with SHA-256 ${g.sha256}, not the image's ${w.sha256}.`, { expected: w.sha256, actual: g.sha256 }));
  }
  return out;
});

export const mokLists = check('mok', [14], ({ facts, refs }) => {
  const out: Finding[] = [];
  for (const name of ['MokList', 'MokListX'] as const) {
    const got = facts.mok[name];
    if (got !== undefined && got !== refs!.mok[name]) out.push(finding('mok.modified', name, `shim measured ${name} with SHA-256 ${got}; the image enrols no machine owner keys.`, { expected: refs!.mok[name], actual: got }));
  }
  return out;
});

/** PCR 10 (IMA): every module measured must be one of the image's, or allow-listed by the policy. */
export const kernelModules = check('modules', [10], ({ facts, refs, policy }) => {
  if (!facts.modules) return [];
  const byDigest = new Map((refs?.modules ?? []).map((m) => [m.sha256, m.name]));
  const byName = new Map((refs?.modules ?? []).map((m) => [m.name, m.sha256]));
  const out: Finding[] = [];
  for (const m of facts.modules) {
    if (byDigest.has(m.sha256)) continue;
    if (policy.allowedModules.some((a) => a.sha256 === m.sha256 && (a.name === undefined || a.name === m.name))) continue;
    const expected = byName.get(m.name);
    out.push(
      finding('module.untrusted', m.name, expected
        ? `${m.name} (${m.path}) was measured with SHA-256 ${m.sha256}, not the image's ${expected}: the module was replaced.`
        : `${m.name} (${m.path}, SHA-256 ${m.sha256}) is not a module of the image nor allowed by the policy.`, { expected: expected ?? 'a module of the image or the policy allow-list', actual: m.sha256 }),
    );
  }
  return out;
});

const hasRefs = (ctx: CheckContext) => ctx.refs !== undefined;
const secureBootOn = (ctx: CheckContext) => ctx.facts.secureBoot === true;

/**
 * The checks a policy and reference values compile to, in report order: Secure Boot state, the
 * PCR 7 databases and authorities, the boot chain (PCR 4), command line (PCR 8), files (PCR 9),
 * MOK (PCR 14), modules (PCR 10). Without reference values (evidence from outside the
 * platform) only the state checks and the policy's own allow-lists apply.
 */
export function compilePolicy(policy: AttestationPolicy, refs: ReferenceValues | undefined): Check[] {
  void policy;
  const withRefs = (c: Check) => when(hasRefs, c);
  const checks: Check[] = [
    secureBootEnabled,
    secureBootConsistent,
    withRefs(all('secureboot.variables', variableCheck('PK'), variableCheck('KEK'), variableCheck('db'), variableCheck('dbx'))),
    when((ctx) => hasRefs(ctx) && secureBootOn(ctx), authorities),
    when((ctx) => hasRefs(ctx) && secureBootOn(ctx), sbatLevel),
    withRefs(bootApplications),
    kernelDebug,
    withRefs(kernelCmdline),
    withRefs(bootFiles),
    withRefs(mokLists),
  ];
  if (refs || policy.allowedModules.length) checks.push(kernelModules);
  return checks;
}
