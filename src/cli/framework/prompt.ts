/** az's y/n prompt (knack prompt_y_n); without a terminal it cannot ask, and says to use --yes. */
import { UserError } from './errors.js';
import type { Context } from './types.js';

export async function confirm(ctx: Context, message = 'Are you sure you want to perform this operation?', defaultNo = false): Promise<boolean> {
  const read = ctx.io.readLine;
  if (!read) throw new UserError('CLIError', 'Unable to prompt for confirmation as no tty available. Use --yes.');
  for (;;) {
    const a = (await read(`${message} (y/${defaultNo ? 'N' : 'n'}): `)).trim().toLowerCase();
    if (a === 'y' || a === 'yes') return true;
    if (a === 'n' || a === 'no' || (a === '' && defaultNo)) return false;
  }
}
