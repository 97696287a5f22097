/**
 * The command-line parser, with argparse's semantics and messages as az shows them:
 *   1. options are `--long`, `-s`, `--long=value`; unique prefixes of long options are accepted
 *      (argparse allow_abbrev); typographic dashes are repaired with a warning (dashes.ts),
 *   2. a value option takes the next token unless it looks like an option
 *      ("argument --name/-n: expected one argument"); the last occurrence wins,
 *   3. choices match case-insensitively; a bad value names the allowed ones,
 *   4. missing required arguments are reported before unrecognized ones, as argparse does,
 *   5. unknown options and the words after them are "unrecognized arguments"; an option that
 *      belongs to an extension that is not added gets the extension hint.
 */
import { dashWarning, fixTypographicDashes, unwrapTypographicQuotes } from './dashes.js';
import { parseError } from './errors.js';
import { destOf, displayName } from './globals.js';
import { closeMatches } from './similar.js';
import type { ArgSpec, ArgValue } from './types.js';

export interface ParseInput {
  readonly tokens: readonly string[];
  /** Every argument the command accepts now (its own and the global ones). */
  readonly args: readonly ArgSpec[];
  /** Arguments that exist only with an extension that is not added (for the hint). */
  readonly unavailable: readonly ArgSpec[];
  /** "tl aks nodepool add", for messages. */
  readonly progCommand: string;
  /** Lines az appends to a usage error (examples, reference link). */
  readonly usageHints: () => readonly string[];
  /** The hint for an argument that needs an extension. */
  readonly extensionHint: (a: ArgSpec) => string;
  /** Warnings (repaired dashes) are reported at once, before any error. */
  readonly warn: (message: string) => void;
}

export interface Parsed {
  readonly values: Record<string, ArgValue>;
  readonly help: boolean;
}

const looksLikeOption = (t: string) => /^-/.test(t) && !/^-\d/.test(t) && t !== '-';
const looksLikeTypoOption = (t: string) => fixTypographicDashes(t) !== undefined;

function lookup(name: string, byName: Map<string, ArgSpec>): ArgSpec | undefined {
  const exact = byName.get(name);
  if (exact || !name.startsWith('--')) return exact;
  // argparse lists every matching option string, in the order they were defined
  const matches = [...byName.keys()].filter((n) => n.startsWith('--') && n.startsWith(name));
  const specs = new Set(matches.map((n) => byName.get(n)!));
  if (specs.size > 1) throw parseError('ArgumentUsageError', `ambiguous option: ${name} could match ${matches.join(', ')}`);
  return [...specs][0];
}

export function parseArgs(p: ParseInput): Parsed {
  const byName = new Map<string, ArgSpec>();
  for (const a of p.args) for (const n of a.names) byName.set(n, a);
  const gated = new Map<string, ArgSpec>();
  for (const a of p.unavailable) for (const n of a.names) gated.set(n, a);
  const values: Record<string, ArgValue> = {};
  const unrecognized: string[] = [];
  let help = false;

  const tokens = [...p.tokens];
  for (let i = 0; i < tokens.length; i++) {
    let tok = tokens[i]!;
    if (tok === '--') {
      unrecognized.push(...tokens.slice(i + 1));
      break;
    }
    const fix = fixTypographicDashes(tok);
    if (fix) {
      const known = byName.has(fix.option) || gated.has(fix.option) || lookup(fix.option, byName) !== undefined;
      if (known) {
        p.warn(dashWarning(fix));
        tok = fix.option + tok.slice(fix.typed.length);
      }
    }
    if (!looksLikeOption(tok)) {
      const pos = p.args.find((a) => a.positional && ((a.kind ?? 'value') === 'list' || values[destOf(a)] === undefined));
      if (!pos) unrecognized.push(tok);
      else if (pos.kind === 'list') values[destOf(pos)] = [...((values[destOf(pos)] as string[] | undefined) ?? []), checkChoice(pos, tok, p)];
      else values[destOf(pos)] = checkChoice(pos, tok, p);
      continue;
    }
    const eq = tok.indexOf('=');
    const name = eq < 0 ? tok : tok.slice(0, eq);
    const explicit = eq < 0 ? undefined : tok.slice(eq + 1);
    const spec = lookup(name, byName);
    if (!spec) {
      unrecognized.push(tok);
      // argparse hands the words after an unknown option to the extras too
      while (i + 1 < tokens.length && !looksLikeOption(tokens[i + 1]!) && !looksLikeTypoOption(tokens[i + 1]!)) unrecognized.push(tokens[++i]!);
      continue;
    }
    const dest = destOf(spec);
    const kind = spec.kind ?? 'value';
    if (dest === 'help') {
      help = true;
      continue;
    }
    if (kind === 'flag') {
      if (explicit !== undefined) throw parseError('ArgumentUsageError', `argument ${displayName(spec)}: ignored explicit argument '${explicit}'`, p.usageHints());
      values[dest] = true;
      continue;
    }
    if (kind === 'list') {
      const items: string[] = explicit !== undefined ? [explicit] : [];
      while (i + 1 < tokens.length && !looksLikeOption(tokens[i + 1]!) && !looksLikeTypoOption(tokens[i + 1]!)) items.push(tokens[++i]!);
      if (items.length === 0) throw parseError('ArgumentUsageError', `argument ${displayName(spec)}: expected at least one argument`, p.usageHints());
      values[dest] = items.map((v) => checkChoice(spec, v, p));
      continue;
    }
    let v = explicit;
    if (v === undefined) {
      const next = tokens[i + 1];
      if (next === undefined || looksLikeOption(next) || looksLikeTypoOption(next)) {
        throw parseError('ArgumentUsageError', `argument ${displayName(spec)}: expected one argument`, p.usageHints());
      }
      v = next;
      i++;
    }
    const unquoted = unwrapTypographicQuotes(v);
    if (unquoted !== undefined) {
      p.warn(`The value '${v}' of ${displayName(spec)} is wrapped in typographic quotes, as pasted from documents; it was read as '${unquoted}'.`);
      v = unquoted;
    }
    v = checkChoice(spec, v, p);
    if (spec.type === 'int') {
      if (!/^[-+]?\d+$/.test(v.trim())) throw parseError('InvalidArgumentValueError', `argument ${displayName(spec)}: invalid int value: '${v}'`, p.usageHints());
      values[dest] = Number.parseInt(v, 10);
    } else {
      values[dest] = v;
    }
  }
  if (help) return { values, help };

  const missing = p.args.filter((a) => a.required && values[destOf(a)] === undefined);
  if (missing.length) {
    throw parseError('RequiredArgumentMissingError', `the following arguments are required: ${missing.map(displayName).join(', ')}`, p.usageHints());
  }
  if (unrecognized.length) {
    const hints = [...new Set(unrecognized.flatMap((t) => {
      const g = gated.get(fixTypographicDashes(t)?.option ?? t.split('=')[0]!);
      return g ? [p.extensionHint(g)] : [];
    }))];
    throw parseError('UnrecognizedArgumentError', `unrecognized arguments: ${unrecognized.join(' ')}`, [...hints, ...p.usageHints()]);
  }
  return { values, help };
}

function checkChoice(spec: ArgSpec, v: string, p: ParseInput): string {
  if (!spec.choices) return v;
  const hit = spec.choices.find((c) => c.toLowerCase() === v.toLowerCase());
  if (hit) return hit;
  // az names the argument by its first option string, whichever the user typed
  const param = spec.names[0]!;
  const close = closeMatches(v, [...spec.choices]);
  throw parseError(
    'InvalidArgumentValueError',
    `${p.progCommand}: '${v}' is not a valid value for '${param}'. Allowed values: ${spec.choices.join(', ')}.`,
    close.length ? [`Did you mean '${close[0]}' ?`] : [],
  );
}
