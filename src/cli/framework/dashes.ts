/**
 * Typographic dashes pasted from documents. Word processors turn `--` into an EN DASH and
 * documents carry them into command lines: the Trusted Launch document itself has
 * `-–cluster-name` (HYPHEN-MINUS then U+2013). argparse would reject such a token; we read it
 * as the option it was meant to be and say so on stderr.
 */

/** Unicode dashes that look like HYPHEN-MINUS (General Category Pd, plus U+2212 MINUS SIGN). */
const DASH_NAMES: Readonly<Record<string, string>> = {
  '\u2010': 'HYPHEN',
  '\u2011': 'NON-BREAKING HYPHEN',
  '\u2012': 'FIGURE DASH',
  '\u2013': 'EN DASH',
  '\u2014': 'EM DASH',
  '\u2015': 'HORIZONTAL BAR',
  '\u2212': 'MINUS SIGN',
  '\ufe58': 'SMALL EM DASH',
  '\ufe63': 'SMALL HYPHEN-MINUS',
  '\uff0d': 'FULLWIDTH HYPHEN-MINUS',
};
const TYPO = /[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g;
const HAS_TYPO = /[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/;
const LEADING = /^[-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]+/;

export interface DashFix {
  /** The option as meant, e.g. `--cluster-name` (without any `=value`). */
  readonly option: string;
  /** What was typed, e.g. `-–cluster-name`. */
  readonly typed: string;
  /** The dash characters found, named (e.g. "U+2013 EN DASH"). */
  readonly found: readonly string[];
}

/**
 * If `token` is an option name spelled with typographic dashes, the option it stands for;
 * undefined when it has none (or does not start with a dash at all).
 * A single letter after the dashes is a short option (`–n` → `-n`); anything longer is long.
 */
export function fixTypographicDashes(token: string): DashFix | undefined {
  const eq = token.indexOf('=');
  const typed = eq < 0 ? token : token.slice(0, eq);
  const lead = typed.match(LEADING)?.[0];
  if (!lead || !HAS_TYPO.test(typed)) return undefined;
  const name = typed.slice(lead.length).replace(TYPO, '-');
  if (!/^[A-Za-z0-9][-A-Za-z0-9]*$/.test(name)) return undefined;
  const found = [...new Set(typed.match(TYPO) ?? [])].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} ${DASH_NAMES[c]}`);
  return { option: name.length === 1 && lead.length === 1 ? `-${name}` : `--${name}`, typed, found };
}

export function dashWarning(f: DashFix): string {
  return `Argument '${f.typed}' contains a typographic dash (${f.found.join(', ')}), as pasted from documents; it was read as '${f.option}'.`;
}

const QUOTE_PAIRS: readonly [string, string][] = [
  ['\u201c', '\u201d'], // “ ”
  ['\u201e', '\u201c'], // „ “
  ['\u2018', '\u2019'], // ‘ ’
  ['\u00ab', '\u00bb'], // « »
  ['\u201d', '\u201d'],
];

/**
 * A value wrapped in typographic quotes (`“myAKSCluster”`), which a shell does not remove: the
 * value without them, or undefined when it is not wrapped.
 */
export function unwrapTypographicQuotes(v: string): string | undefined {
  for (const [open, close] of QUOTE_PAIRS) if (v.length >= 2 && v.startsWith(open) && v.endsWith(close)) return v.slice(1, -1);
  return undefined;
}
