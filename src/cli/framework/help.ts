/**
 * `--help` in knack's layout: a "Command"/"Group" heading with the summary, the arguments in
 * sections ("Arguments", "<Group> Arguments", "Global Arguments"; required first, then by
 * name) with "Allowed values" and "Default" after the text, then the examples.
 */
import { GLOBAL_ARGS, SUBSCRIPTION_ARG } from './globals.js';
import type { Listing } from './discover.js';
import type { ArgSpec, CommandSpec, GroupSpec } from './types.js';

const WIDTH = 100;

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}

function describe(a: ArgSpec): string {
  let t = a.help;
  if (a.preview) t = `[Preview] ${t}`;
  if (a.choices) t += `  Allowed values: ${a.choices.join(', ')}.`;
  if (a.defaultText !== undefined) t += `  Default: ${a.defaultText}.`;
  return t;
}

function section(title: string, args: readonly ArgSpec[], leftWidth: number): string[] {
  if (!args.length) return [];
  const lines = ['', title];
  const sorted = [...args].sort((x, y) => Number(!x.required) - Number(!y.required) || x.names[0]!.localeCompare(y.names[0]!));
  for (const a of sorted) {
    const left = `${a.names.join(' ')}${a.required ? ' [Required]' : ''}`.padEnd(leftWidth);
    const text = wrap(describe(a), WIDTH - leftWidth - 7);
    lines.push(`    ${left} : ${text[0] ?? ''}`);
    for (const t of text.slice(1)) lines.push(`${' '.repeat(leftWidth + 7)}${t}`);
  }
  return lines;
}

export function commandHelp(prog: string, path: readonly string[], c: CommandSpec, args: readonly ArgSpec[], hasExtension: (name: string) => boolean = () => true): string {
  const visible = args.filter((a) => !a.hidden);
  const globals = [...GLOBAL_ARGS, ...(c.arm ? [SUBSCRIPTION_ARG] : [])];
  const all = [...visible, ...globals];
  const leftWidth = Math.max(...all.map((a) => `${a.names.join(' ')}${a.required ? ' [Required]' : ''}`.length));
  const lines = ['', 'Command', `    ${[prog, ...path].join(' ')} : ${c.preview ? '[Preview] ' : ''}${c.summary}`];
  if (c.long) for (const l of wrap(c.long, WIDTH - 8)) lines.push(`        ${l}`);
  lines.push(...section('Arguments', visible.filter((a) => !a.group), leftWidth));
  const groups = [...new Set(visible.map((a) => a.group).filter((g): g is string => !!g))].sort();
  for (const g of groups) lines.push(...section(`${g} Arguments`, visible.filter((a) => a.group === g), leftWidth));
  lines.push(...section('Global Arguments', globals, leftWidth));
  const examples = (c.examples ?? []).filter((e) => !e.extension || hasExtension(e.extension));
  if (examples.length) {
    lines.push('', 'Examples');
    for (const e of examples) {
      lines.push(`    ${e.summary}`);
      for (const l of wrap(e.command.replace(/^az /, `${prog} `), WIDTH - 8)) lines.push(`        ${l}`);
      lines.push('');
    }
    lines.pop();
  }
  lines.push('', '');
  return lines.join('\n');
}

export function groupHelp(prog: string, path: readonly string[], g: GroupSpec | undefined, listing: Listing): string {
  const lines = [''];
  if (path.length === 0) {
    lines.push(`Welcome to ${prog}, the Trusted Launch command line (az-compatible)!`, '', `Use \`${prog} --version\` to display the current version.`, 'Here are the base commands:');
  } else {
    lines.push('Group', `    ${[prog, ...path].join(' ')} : ${g?.summary ?? ''}`);
    if (g?.long) for (const l of wrap(g.long, WIDTH - 8)) lines.push(`        ${l}`);
  }
  const entries = [...listing.groups.map((x) => ({ ...x, preview: false })), ...listing.commands];
  const w = Math.max(0, ...entries.map((e) => e.name.length));
  const list = (title: string, items: readonly { name: string; summary: string; preview: boolean }[]) => {
    if (!items.length) return;
    lines.push('', title);
    for (const i of items) lines.push(`    ${i.name.padEnd(w)} : ${i.preview ? '[Preview] ' : ''}${i.summary}`);
  };
  list('Subgroups:', listing.groups.map((x) => ({ ...x, preview: false })));
  list('Commands:', listing.commands);
  lines.push('', `To search for examples, use: ${prog} ${[...path, '--help'].join(' ')}`, '');
  return lines.join('\n') + '\n';
}
