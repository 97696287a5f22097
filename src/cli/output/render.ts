/**
 * Printing a command's result: the az form of the object (already made by the command),
 * keys sorted, then --query (JMESPath, the `jmespath` package), then the output format.
 */
import { parseError } from '../framework/errors.js';
import type { Io } from '../framework/io.js';
import { formatJson, formatJsonColor, formatTsv, formatYaml, sortKeys } from './formats.js';
import { formatTable } from './table.js';

const QUERY_REFERENCE = "To learn more about --query, please visit: 'https://learn.microsoft.com/cli/azure/query-azure-cli'";

type Jmespath = { search(data: unknown, expr: string): unknown; compile?(expr: string): unknown };

async function jmespath(): Promise<Jmespath> {
  const m = (await import('jmespath')) as unknown as Jmespath & { default?: Jmespath };
  return m.default ?? m;
}

/** Check a --query expression before the command runs (az validates it as an argument type). */
export async function checkQuery(expr: string): Promise<void> {
  const j = await jmespath();
  try {
    if (j.compile) j.compile(expr);
    else j.search({}, expr);
  } catch {
    throw parseError('InvalidArgumentValueError', `argument --query: invalid jmespath_type value: '${expr}'`, [QUERY_REFERENCE]);
  }
}

export async function render(io: Io, result: unknown, o: { output: string; query?: string | undefined; table?: ((r: unknown) => unknown) | undefined }): Promise<void> {
  let data = sortKeys(result);
  if (o.query !== undefined) data = (await jmespath()).search(data, o.query);
  // knack prints nothing when the result (after --query) is None
  if (data === null || data === undefined) return;
  let text: string;
  switch (o.output) {
    case 'none':
      return;
    case 'jsonc':
      text = io.stdout.isTTY ? formatJsonColor(data) : formatJson(data);
      break;
    case 'yaml':
    case 'yamlc':
      text = await formatYaml(data);
      break;
    case 'table':
      text = formatTable(data, { transformer: o.table, queryActive: o.query !== undefined });
      break;
    case 'tsv':
      text = formatTsv(data);
      break;
    default:
      text = formatJson(data);
  }
  io.stdout.write(text);
}
