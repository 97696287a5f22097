/** Arguments many commands share, with az's names and help texts. */
import type { ArgSpec } from './types.js';

export const RESOURCE_GROUP: ArgSpec = {
  names: ['--resource-group', '-g'],
  required: true,
  help: 'Name of resource group. You can configure the default group using `az configure --defaults group=<name>`.',
};
export const LOCATION: ArgSpec = {
  names: ['--location', '-l'],
  help: 'Location. Values from: `az account list-locations`. You can configure the default location using `az configure --defaults location=<location>`.',
};
export const NO_WAIT: ArgSpec = { names: ['--no-wait'], kind: 'flag', help: 'Do not wait for the long-running operation to finish.' };
export const YES: ArgSpec = { names: ['--yes', '-y'], kind: 'flag', help: 'Do not prompt for confirmation.' };
export const TAGS: ArgSpec = {
  names: ['--tags'],
  kind: 'list',
  help: 'Space-separated tags: key[=value] [key[=value] ...]. Use "" to clear existing tags.',
};

/** `key[=value] …` → {key: value}; `""` clears (az's tags parser). */
export function parseTags(items: readonly string[] | undefined): Record<string, string> | undefined {
  if (!items) return undefined;
  const out: Record<string, string> = {};
  for (const t of items) {
    if (t === '') continue;
    const i = t.indexOf('=');
    if (i < 0) out[t] = '';
    else out[t.slice(0, i)] = t.slice(i + 1);
  }
  return out;
}
