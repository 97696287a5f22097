/**
 * The command tree is the `commands/` folder: a folder is a group (its summary in `_group.ts`),
 * a file is a command (`commands/aks/nodepool/add.ts` is `tl aks nodepool add`). Resolving a
 * command line touches only the files on its path and imports only the command it runs, so
 * start-up stays fast however many commands there are; group help imports one folder.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { CommandSpec, GroupSpec } from './types.js';

const ROOT = new URL('../commands/', import.meta.url);
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const WORD = /^[a-z][a-z0-9-]*$/;

export type Resolved =
  | { readonly kind: 'command'; readonly path: readonly string[]; readonly file: URL; /** words after the command (positional: unrecognized) */ readonly extra: readonly string[] }
  | { readonly kind: 'group'; readonly path: readonly string[]; readonly dir: URL }
  | { readonly kind: 'unknown'; readonly path: readonly string[]; readonly word: string; readonly dir: URL };

const isDir = (u: URL) => existsSync(u) && statSync(u).isDirectory();

/** Follow the words of a command line down the tree. */
export function resolveCommand(words: readonly string[]): Resolved {
  let dir = ROOT;
  const path: string[] = [];
  for (const [i, w] of words.entries()) {
    if (!WORD.test(w)) return { kind: 'unknown', path, word: w, dir };
    const sub = new URL(`${w}/`, dir);
    if (isDir(sub)) {
      dir = sub;
      path.push(w);
      continue;
    }
    const file = new URL(`${w}${EXT}`, dir);
    if (existsSync(file)) return { kind: 'command', path: [...path, w], file, extra: words.slice(i + 1) };
    return { kind: 'unknown', path, word: w, dir };
  }
  return { kind: 'group', path, dir };
}

export async function loadCommand(file: URL): Promise<CommandSpec> {
  const m = (await import(file.href)) as { command?: CommandSpec };
  if (!m.command) throw new Error(`${file.pathname} does not export a command`);
  return m.command;
}

export interface Listing {
  readonly groups: readonly { name: string; summary: string }[];
  readonly commands: readonly { name: string; summary: string; preview: boolean }[];
}

/** Names and summaries of a group's subgroups and commands (imports them; help only). */
export async function listGroup(dir: URL): Promise<Listing> {
  const groups: { name: string; summary: string }[] = [];
  const commands: { name: string; summary: string; preview: boolean }[] = [];
  for (const name of readdirSync(dir).sort()) {
    const u = new URL(name, dir);
    if (isDir(u)) {
      groups.push({ name, summary: (await groupSpec(new URL(`${name}/`, dir)))?.summary ?? '' });
    } else if (name.endsWith(EXT) && !name.startsWith('_') && !name.endsWith(`.test${EXT}`) && !name.endsWith(`.d.ts`)) {
      const c = await loadCommand(u);
      commands.push({ name: name.slice(0, -EXT.length), summary: c.summary, preview: c.preview === true });
    }
  }
  return { groups, commands };
}

export async function groupSpec(dir: URL): Promise<GroupSpec | undefined> {
  const f = new URL(`_group${EXT}`, dir);
  if (!existsSync(f)) return undefined;
  return ((await import(f.href)) as { group: GroupSpec }).group;
}

/** Every word that could follow at this level (for "did you mean"). */
export function choicesAt(dir: URL): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith('_') && !n.endsWith(`.test${EXT}`) && !n.endsWith('.map') && !n.endsWith('.d.ts'))
    .map((n) => (n.endsWith(EXT) ? n.slice(0, -EXT.length) : n))
    .filter((n) => WORD.test(n));
}
