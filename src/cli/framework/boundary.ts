/**
 * The one place where errors become messages and exit codes (model-codebases.md §7):
 * a UserError prints `ERROR: message` and its recommendations (exit 1, 2 or 3 as az);
 * anything else is a bug and prints az's "unexpected error" text with the stack (exit 1).
 */
import { UserError } from './errors.js';
import type { Sink } from './io.js';

export function reportError(e: unknown, stderr: Sink): number {
  if (e instanceof UserError) {
    stderr.write(`ERROR: ${e.message}\n`);
    for (const r of e.recommendations) stderr.write(`${r}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  stderr.write(
    `ERROR: The command failed with an unexpected error. Here is the traceback:\nERROR: ${err.message}\n${err.stack ?? ''}\n` +
      'To check existing issues, please visit: https://github.com/Azure/azure-cli/issues (this is tl, the Trusted Launch CLI: report it to the project)\n',
  );
  return 1;
}
