/**
 * az's output formats (knack `output.py`):
 *  - json: sorted keys, 2-space indent (`json.dumps(…, indent=2, sort_keys=True, ensure_ascii=False)`),
 *  - jsonc / yamlc: the same, coloured, only when stdout is a terminal,
 *  - yaml: PyYAML `safe_dump` (sorted keys, block style, sequences not indented under their key),
 *  - tsv: one row per item, tab-separated values in key order, lists as their length, dicts as
 *    an empty field, None as "None", a top-level boolean as true/false,
 *  - none: nothing.
 * Table output is in table.ts.
 */

/** Recursively sort object keys (Python sort_keys: code point order). */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((k) => [k, sortKeys(o[k])]),
  );
}

export function formatJson(v: unknown): string {
  return JSON.stringify(sortKeys(v === undefined ? null : v), null, 2) + '\n';
}

const C = { key: '\x1b[94m', str: '\x1b[32m', num: '\x1b[36m', lit: '\x1b[35m', reset: '\x1b[39m' };

/** jsonc: keys blue, strings green, numbers cyan, true/false/null magenta. */
export function formatJsonColor(v: unknown): string {
  return formatJson(v).replace(/("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/g, (m, s: string | undefined, colon: string | undefined, lit: string | undefined, num: string | undefined) => {
    if (s !== undefined) return colon ? `${C.key}${s}${C.reset}${colon}` : `${C.str}${s}${C.reset}`;
    if (lit !== undefined) return `${C.lit}${lit}${C.reset}`;
    if (num !== undefined) return `${C.num}${num}${C.reset}`;
    return m;
  });
}

export async function formatYaml(v: unknown): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify(v === undefined ? null : v, { sortMapEntries: true, indentSeq: false, lineWidth: 0, nullStr: 'null', simpleKeys: true });
}

/** Python's str() of a scalar. */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return String(v);
}

function tsvField(v: unknown): string {
  if (Array.isArray(v)) return String(v.length);
  if (v !== null && typeof v === 'object') return '';
  return pyStr(v);
}

export function formatTsv(result: unknown): string {
  const rows = Array.isArray(result) ? result : [result];
  let out = '';
  for (const row of rows) {
    if (Array.isArray(row)) out += row.map(tsvField).join('\t');
    else if (row !== null && typeof row === 'object') {
      const o = row as Record<string, unknown>;
      // knack sorts plain dicts; query results (ordered) keep their order — ours are ordered.
      out += Object.keys(o).map((k) => tsvField(o[k])).join('\t');
    } else if (typeof row === 'boolean') out += String(row);
    else out += tsvField(row);
    out += '\n';
  }
  return out;
}
