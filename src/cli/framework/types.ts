/**
 * Commands are data (model-codebases.md §7, wrangler's `createCommand`): one file per command
 * under `commands/`, arranged like the command tree, exporting `command: CommandSpec`.
 * See src/cli/README.md for the contract.
 */
import type { Io } from './io.js';
import type { Logger } from './log.js';

export type ArgKind = 'flag' | 'value' | 'list';

export interface ArgSpec {
  /** Option strings as az shows them: long names first, then short ones (`['--name', '-n']`). */
  readonly names: readonly string[];
  /** Key in the parsed arguments; default: the first long name in camelCase. */
  readonly dest?: string;
  readonly help: string;
  /** flag: a switch (store_true); value: one value; list: one or more values (nargs '+'). */
  readonly kind?: ArgKind;
  readonly required?: boolean;
  /** Allowed values, matched case-insensitively and returned in this spelling. */
  readonly choices?: readonly string[];
  readonly type?: 'int';
  /** Shown in help ("Default: 3."); the command applies defaults itself. */
  readonly defaultText?: string;
  /** The argument exists only while this extension (at least this version) is added. */
  readonly extension?: { readonly name: string; readonly minVersion: string };
  /** Help group, e.g. "Trusted Launch" (az prints "<group> Arguments"). */
  readonly group?: string;
  readonly hidden?: boolean;
  /**
   * Words that are not options fill this argument too (`tl eventlog parse FILE` as well as
   * `--file FILE`, as the issues write them): a value takes one word, a list every remaining word.
   */
  readonly positional?: boolean;
  /** Part of the command's preview surface (help shows "[Preview]"). */
  readonly preview?: boolean;
}

export type ArgValue = string | boolean | number | string[] | undefined;
export type Args = Readonly<Record<string, ArgValue>>;

export interface Example {
  readonly summary: string;
  readonly command: string;
  /** Shown only while this extension is added (the example uses its arguments). */
  readonly extension?: string;
}

export interface GlobalOptions {
  readonly output: string;
  readonly query?: string;
  readonly debug: boolean;
  readonly verbose: boolean;
  readonly onlyShowErrors: boolean;
  readonly subscription?: string;
}

export interface Context {
  readonly io: Io;
  readonly log: Logger;
  /** `tl`, or `az` when invoked through a link named az. */
  readonly prog: string;
  /** The command path, e.g. "aks nodepool add". */
  readonly command: string;
  readonly globals: GlobalOptions;
}

export interface CommandSpec {
  readonly summary: string;
  readonly long?: string;
  readonly args: readonly ArgSpec[];
  readonly examples?: readonly Example[];
  /** az's table transformer for `-o table` (ignored while --query is active). */
  readonly table?: (result: unknown) => unknown;
  /** The command talks to the resource manager (adds --subscription). */
  readonly arm?: boolean;
  /** Extension that alters this command (az prints a banner naming it when it is added). */
  readonly alteredBy?: string;
  /** Preview surface (help shows "[Preview]" in the summary line). */
  readonly preview?: boolean;
  /** Run it; the value returned is printed in the chosen output format (undefined: nothing). */
  run(ctx: Context, args: Args): Promise<unknown>;
}

export interface GroupSpec {
  readonly summary: string;
  readonly long?: string;
}
