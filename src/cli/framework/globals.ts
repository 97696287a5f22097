/** az's global arguments (knack + azure-cli core), present on every command. */
import type { ArgSpec } from './types.js';

export const OUTPUT_FORMATS = ['json', 'jsonc', 'none', 'table', 'tsv', 'yaml', 'yamlc'] as const;

export const GLOBAL_ARGS: readonly ArgSpec[] = [
  { names: ['--debug'], kind: 'flag', help: 'Increase logging verbosity to show all debug logs.' },
  { names: ['--help', '-h'], kind: 'flag', help: 'Show this help message and exit.' },
  { names: ['--only-show-errors'], kind: 'flag', help: 'Only show errors, suppressing warnings.' },
  { names: ['--output', '-o'], choices: OUTPUT_FORMATS, help: 'Output format.', defaultText: 'json' },
  { names: ['--query'], help: 'JMESPath query string. See http://jmespath.org/ for more information and examples.' },
  { names: ['--verbose'], kind: 'flag', help: 'Increase logging verbosity. Use --debug for full debug logs.' },
];

/** Commands that call the resource manager also take --subscription (az puts it among the global arguments). */
export const SUBSCRIPTION_ARG: ArgSpec = {
  names: ['--subscription'],
  help: 'Name or ID of subscription. You can configure the default subscription using `az account set -s NAME_OR_ID`.',
};

export const GLOBAL_DESTS = new Set(['debug', 'help', 'onlyShowErrors', 'output', 'query', 'verbose', 'subscription']);

/** `--resource-group` → `resourceGroup`. */
export function destOf(a: ArgSpec): string {
  if (a.dest) return a.dest;
  const long = a.names.find((n) => n.startsWith('--')) ?? a.names[0]!;
  return long.replace(/^-+/, '').replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `--name/-n`, the way argparse names an argument in its errors. */
export const displayName = (a: ArgSpec): string => a.names.join('/');
