/**
 * The `tl` entry point: an az-compatible command line over the local server (issue 3).
 *
 * Steps of a command line:
 *   1. `--version` is answered at once (the start-up benchmark),
 *   2. the leading words find the command in the `commands/` tree (framework/discover.ts);
 *      a group prints its help; an unknown word is az's "not in the command group" error,
 *   3. the command's module is imported (only that one) and its arguments are parsed with
 *      az's semantics; arguments of extensions that are not added do not exist,
 *   4. the command runs with a context (io, logger, global options),
 *   5. its result is printed in the chosen format, after --query,
 *   6. every error goes through one boundary (framework/boundary.ts) to stderr and an exit code.
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from './client/config.js';
import { reportError } from './framework/boundary.js';
import { parseError } from './framework/errors.js';
import { processIo, type Io } from './framework/io.js';
import { createLogger } from './framework/log.js';
import type { ArgSpec, Context, GlobalOptions } from './framework/types.js';

const GLOBAL_FLAGS = new Set(['--debug', '--verbose', '--only-show-errors', '--help', '-h']);
const GLOBAL_VALUES = new Set(['--output', '-o', '--query', '--subscription']);

/** `tl` normally; `az` when run through a link named az, so az's texts come out exactly. */
function progName(): string {
  const a = process.argv[1] ?? '';
  return /(^|\/)az$/.test(a) ? 'az' : 'tl';
}

/** Run a command line; resolves to the exit code. Never exits the process (`tl serve` keeps running). */
export async function run(argv: readonly string[], io: Io, prog = progName()): Promise<number> {
  const t0 = performance.now();
  try {
    // 1.
    if (argv.length === 1 && argv[0] === '--version') {
      const { versionText } = await import('./framework/version-text.js');
      io.stdout.write(versionText(io));
      return 0;
    }
    // 2. az's global options may come before the words; the words name the command
    let i = 0;
    const lead: string[] = [];
    while (i < argv.length) {
      const t = argv[i]!;
      if (GLOBAL_FLAGS.has(t)) lead.push(argv[i++]!);
      else if (GLOBAL_VALUES.has(t) && i + 1 < argv.length) lead.push(argv[i++]!, argv[i++]!);
      else break;
    }
    const words: string[] = [];
    while (i < argv.length && /^[A-Za-z0-9]/.test(argv[i]!)) words.push(argv[i++]!);
    const rest = [...lead, ...argv.slice(i)];
    const { resolveCommand, loadCommand, listGroup, groupSpec, choicesAt } = await import('./framework/discover.js');
    const r = resolveCommand(words);
    if (r.kind === 'unknown') {
      const { closeMatches } = await import('./framework/similar.js');
      const where = [prog, ...r.path].join(' ');
      const close = closeMatches(r.word, choicesAt(r.dir), 1);
      throw parseError('CommandNotFoundError', `${where}: '${r.word}' is not in the '${where}' command group. See '${where} --help'.`, close.length ? [`The most similar choice to '${r.word}' is:`, `\t${close[0]}`] : []);
    }
    if (r.kind === 'group') {
      const { groupHelp } = await import('./framework/help.js');
      io.stdout.write(groupHelp(prog, r.path, await groupSpec(r.dir), await listGroup(r.dir)));
      return 0;
    }
    // 3.
    const spec = await loadCommand(r.file);
    const { argsFor, extensionHint, hasExtension, usageHints } = await import('./framework/command-args.js');
    const { available, unavailable } = argsFor(spec, io);
    const { parseArgs } = await import('./framework/parse.js');
    const progCommand = [prog, ...r.path].join(' ');
    const parsed = parseArgs({
      tokens: [...r.extra, ...rest],
      args: available,
      unavailable,
      progCommand,
      usageHints: () => usageHints(prog, r.path, spec, io),
      extensionHint: (a: ArgSpec) => extensionHint(prog, a, io),
      warn: (m) => (rest.includes('--only-show-errors') ? undefined : io.stderr.write(`WARNING: ${m}\n`)),
    });
    if (parsed.help) {
      const { commandHelp } = await import('./framework/help.js');
      io.stdout.write(commandHelp(prog, r.path, spec, available.filter((a) => !GLOBAL_ARG_NAMES.has(a.names[0]!)), hasExtension(io)));
      return 0;
    }
    const v = parsed.values;
    const globals: GlobalOptions = {
      output: (v.output as string | undefined) ?? defaultOutput(io),
      debug: v.debug === true,
      verbose: v.verbose === true,
      onlyShowErrors: v.onlyShowErrors === true,
      ...(v.query !== undefined ? { query: v.query as string } : {}),
      ...(v.subscription !== undefined ? { subscription: v.subscription as string } : {}),
    };
    const log = createLogger(io.stderr, globals);
    if (globals.query !== undefined) await (await import('./output/render.js')).checkQuery(globals.query);
    if (spec.alteredBy && installedExtension(io, spec.alteredBy)) log.warn(`The behavior of this command has been altered by the following extension: ${spec.alteredBy}`);
    // 4.
    const ctx: Context = { io, log, prog, command: r.path.join(' '), globals };
    const t1 = performance.now();
    const result = await spec.run(ctx, v);
    // 5.
    if (result !== undefined) await (await import('./output/render.js')).render(io, result, { output: globals.output, query: globals.query, table: spec.table });
    const s = (ms: number) => (ms / 1000).toFixed(3);
    log.info(`Command ran in ${s(performance.now() - t0)} seconds (init: ${s(t1 - t0)}, invoke: ${s(performance.now() - t1)})`);
    return 0;
  } catch (e) {
    // 6.
    return reportError(e, io.stderr);
  }
}

const GLOBAL_ARG_NAMES = new Set(['--debug', '--help', '--only-show-errors', '--output', '--query', '--verbose', '--subscription']);

/** az's default output: AZURE_CORE_OUTPUT, else the config's `defaults.output`, else json. */
function defaultOutput(io: Io): string {
  const ok = (v: string | undefined) => (v && ['json', 'jsonc', 'none', 'table', 'tsv', 'yaml', 'yamlc'].includes(v.toLowerCase()) ? v.toLowerCase() : undefined);
  return ok(io.env.AZURE_CORE_OUTPUT) ?? ok(loadConfig(io).defaults?.output) ?? 'json';
}

function installedExtension(io: Io, name: string): boolean {
  return loadConfig(io).extensions?.[name] !== undefined;
}

export async function main(argv: string[]): Promise<void> {
  const io = processIo();
  const code = await run(argv, io);
  // Commands that keep running (serve) leave the event loop alive; the others end here.
  process.exitCode = code;
  const { closeAgents } = await import('./client/https.js');
  closeAgents();
}
