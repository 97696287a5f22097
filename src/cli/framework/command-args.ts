/**
 * Which arguments a command has right now: its own, minus those of extensions that are not
 * added (or too old), plus az's global ones; and the texts az adds to usage errors.
 */
import { loadConfig } from '../client/config.js';
import { compareExtVersions } from '../client/extensions.js';
import { GLOBAL_ARGS, SUBSCRIPTION_ARG } from './globals.js';
import type { Io } from './io.js';
import type { ArgSpec, CommandSpec } from './types.js';

export function argsFor(spec: CommandSpec, io: Pick<Io, 'env' | 'home'>): { available: ArgSpec[]; unavailable: ArgSpec[] } {
  const installed = loadConfig(io).extensions ?? {};
  const ok = (a: ArgSpec) => !a.extension || (installed[a.extension.name] !== undefined && compareExtVersions(installed[a.extension.name]!.version, a.extension.minVersion) >= 0);
  return {
    available: [...spec.args.filter(ok), ...GLOBAL_ARGS, ...(spec.arm ? [SUBSCRIPTION_ARG] : [])],
    unavailable: spec.args.filter((a) => !ok(a)),
  };
}

/** What to do about an argument that belongs to an extension (az: "The command requires the extension …"). */
export function extensionHint(prog: string, a: ArgSpec, io: Pick<Io, 'env' | 'home'>): string {
  const ext = a.extension!;
  const have = loadConfig(io).extensions?.[ext.name]?.version;
  const name = a.names.find((n) => n.startsWith('--')) ?? a.names[0]!;
  return have
    ? `The argument '${name}' requires version ${ext.minVersion} or later of the extension ${ext.name}; version ${have} is added. To update, run '${prog} extension update --name ${ext.name}'.`
    : `The argument '${name}' requires the extension ${ext.name} (version ${ext.minVersion} or later), which is not added. To install, run '${prog} extension add --name ${ext.name}'.`;
}

/** az's lines after a usage error: examples from the command's help and the reference link. */
export function usageHints(prog: string, path: readonly string[], spec: CommandSpec, io: Pick<Io, 'env' | 'home'>): string[] {
  const lines = ['', 'Examples from AI knowledge base:'];
  const installed = loadConfig(io).extensions ?? {};
  for (const e of (spec.examples ?? []).filter((x) => !x.extension || installed[x.extension]).slice(0, 2)) lines.push(e.command.replace(/^az /, `${prog} `), e.summary, '');
  lines.push(`https://learn.microsoft.com/cli/azure/${path.slice(0, -1).join('/')}#az-${path.join('-')}`, 'Read more about the command in reference docs');
  return lines;
}

export function hasExtension(io: Pick<Io, 'env' | 'home'>): (name: string) => boolean {
  const installed = loadConfig(io).extensions ?? {};
  return (name) => installed[name] !== undefined;
}
