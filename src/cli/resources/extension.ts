/**
 * Extensions as `az extension` manages them, recorded in cli-config.json (no code is
 * downloaded: the extension's arguments and api-version ship with tl and are switched on here).
 * Texts follow azure-cli's extension operations.
 */
import { join } from 'node:path';
import { configDir, loadConfig, saveConfig } from '../client/config.js';
import { compareExtVersions, findExtension, type ExtensionInfo } from '../client/extensions.js';
import { UserError } from '../framework/errors.js';
import type { ArgSpec, Context } from '../framework/types.js';

export const EXT_NAME: ArgSpec = { names: ['--name', '-n'], required: true, help: 'Name of extension.' };

export function requireKnown(name: string, version?: string): ExtensionInfo {
  const info = findExtension(name);
  if (!info || (version && version !== 'latest' && !info.versions.some((v) => v.version === version))) {
    throw new UserError('CLIError', version && info ? `No matching extensions for '${name} (${version})'. Use --debug for more information.` : `No matching extensions for '${name}'. Use --debug for more information.`);
  }
  return info;
}

export function installedVersion(ctx: Context, name: string): string | undefined {
  return loadConfig(ctx.io).extensions?.[name]?.version;
}

export function setInstalled(ctx: Context, name: string, version: string | undefined): void {
  const c = loadConfig(ctx.io);
  const extensions = { ...(c.extensions ?? {}) };
  if (version === undefined) delete extensions[name];
  else extensions[name] = { version, installedAt: new Date().toISOString() };
  saveConfig(ctx.io, { ...c, extensions });
}

export const latestOf = (info: ExtensionInfo): string => info.versions[info.versions.length - 1]!.version;

export function notInstalled(name: string): UserError {
  return new UserError('CLIError', `The extension ${name} is not installed.`);
}

/** `az extension list` / `show` item. */
export function extensionItem(ctx: Context, name: string, version: string): Record<string, unknown> {
  const info = findExtension(name);
  return { experimental: false, extensionType: 'whl', name, path: join(configDir(ctx.io), 'cliextensions', name), preview: info?.preview ?? false, version };
}

export const newer = (a: string, b: string) => compareExtVersions(a, b) > 0;
