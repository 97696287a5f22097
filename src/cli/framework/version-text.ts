/**
 * `tl --version` in `az --version`'s layout (reference/aks-api.md §7): name left, version
 * right-aligned in a 40-character line, extensions listed when added. Kept import-light: it
 * is the start-up benchmark's command.
 */
import type { Io } from './io.js';
import { CONFIG_FILE, configDir, readJson, type CliConfig } from '../client/config.js';
import { AZ_CLI_VERSION, AZ_TELEMETRY_VERSION, TL_VERSION } from '../client/versions.js';
import { join } from 'node:path';

const row = (name: string, version: string) => `${name.padEnd(20)}${version.padStart(20)}`;

export function versionText(io: Pick<Io, 'env' | 'home'>): string {
  const dir = configDir(io);
  const cfg = readJson<CliConfig>(join(dir, CONFIG_FILE)) ?? {};
  const ext = Object.entries(cfg.extensions ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const lines = [row('azure-cli', AZ_CLI_VERSION), '', row('core', AZ_CLI_VERSION), row('telemetry', AZ_TELEMETRY_VERSION), row('tl', TL_VERSION), ''];
  if (ext.length) lines.push('Extensions:', ...ext.map(([n, e]) => row(n, e.version)), '');
  lines.push('Dependencies:', row('node', process.versions.node), '');
  lines.push(`Node location '${process.execPath}'`, `Config directory '${dir}'`, '', 'Legal docs and information: aka.ms/AzureCliLegal', '', '', 'Your CLI is up-to-date.', '');
  return lines.join('\n');
}

/** `tl version` (az version): JSON. */
export function versionJson(io: Pick<Io, 'env' | 'home'>): Record<string, unknown> {
  const cfg = readJson<CliConfig>(join(configDir(io), CONFIG_FILE)) ?? {};
  return {
    'azure-cli': AZ_CLI_VERSION,
    'azure-cli-core': AZ_CLI_VERSION,
    'azure-cli-telemetry': AZ_TELEMETRY_VERSION,
    extensions: Object.fromEntries(Object.entries(cfg.extensions ?? {}).map(([n, e]) => [n, e.version])),
    tl: TL_VERSION,
  };
}
