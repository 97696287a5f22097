/**
 * `-o table`: knack's `_TableOutput` and tabulate's "simple" format, as az prints them.
 *  - a command's table transformer shapes the rows (unless --query is active);
 *  - otherwise each item's scalar properties become columns, keys sorted (when no query), id,
 *    type and etag skipped, lists/dicts/None left out, headers with the first letter capitalised;
 *  - tabulate "simple": header, a dash rule per column, two spaces between columns, every cell
 *    left-aligned (disable_numparse) and padded to the column width, which is at least the
 *    header's length + 2 (tabulate's MIN_PADDING); trailing blanks are stripped.
 */
import { UserError } from '../framework/errors.js';
import { pyStr } from './formats.js';

const SKIP = new Set(['id', 'type', 'etag']);

function autoItem(item: unknown, sortKeys: boolean): Map<string, unknown> {
  const row = new Map<string, unknown>();
  if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
    const o = item as Record<string, unknown>;
    const keys = sortKeys ? Object.keys(o).sort() : Object.keys(o);
    for (const k of keys) {
      const v = o[k];
      if (SKIP.has(k) || v === null || v === undefined || typeof v === 'object') continue;
      row.set(k ? k[0]!.toUpperCase() + k.slice(1) : k, v);
    }
  } else if (Array.isArray(item)) {
    item.forEach((v, i) => row.set(`Column${i + 1}`, v));
  } else {
    row.set('Result', item);
  }
  return row;
}

/** tabulate(rows, headers="keys", tablefmt="simple", disable_numparse=True). */
export function tabulate(rows: readonly Map<string, unknown>[]): string {
  const headers: string[] = [];
  for (const r of rows) for (const k of r.keys()) if (!headers.includes(k)) headers.push(k);
  if (headers.length === 0) return '';
  const cells = rows.map((r) => headers.map((h) => (r.has(h) ? pyStr(r.get(h)) : '')));
  const widths = headers.map((h, i) => Math.max(h.length + 2, ...cells.map((c) => c[i]!.length)));
  // tabulate's _build_simple_row strips the trailing padding of each line
  const line = (vals: readonly string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function formatTable(result: unknown, o: { transformer?: ((r: unknown) => unknown) | undefined; queryActive: boolean }): string {
  let data = result;
  try {
    if (o.transformer && !o.queryActive) data = o.transformer(result);
    const list = Array.isArray(data) ? data : [data];
    const sortKeys = !o.queryActive && !o.transformer;
    const text = tabulate(list.map((i) => autoItem(i, sortKeys)));
    return text ? text + '\n' : '';
  } catch (e) {
    throw new UserError('CLIError', 'Table output unavailable. Use the --query option to specify an appropriate query. Use --debug for more info.', { cause: e });
  }
}
