/**
 * A long-running command as az runs it: start the operation, show `- Running ..` on a terminal
 * while polling (with optional detail lines, e.g. per-node reimage bars), and return the final
 * resource; with --no-wait, return nothing as soon as the server accepted the request.
 */
import { Progress } from '../framework/progress.js';
import type { Context } from '../framework/types.js';
import type { ArmClient, ArmResponse } from './arm.js';
import { waitForOperation } from './lro.js';

export interface LongRunning {
  readonly noWait?: boolean;
  /** GET this when the operation succeeded (PUT's final state). */
  readonly resourceUrl?: string;
  readonly apiVersion: string;
  /** Lines under the spinner, recomputed at each poll. */
  readonly detail?: () => Promise<readonly string[]>;
}

export async function longRunning(ctx: Context, arm: ArmClient, first: ArmResponse, o: LongRunning): Promise<any> {
  if (o.noWait) return undefined;
  const progress = new Progress(ctx.io.stderr, { quiet: ctx.globals.onlyShowErrors });
  try {
    progress.update('Running');
    return await waitForOperation(arm, ctx.io, first, {
      apiVersion: o.apiVersion,
      ...(o.resourceUrl ? { resourceUrl: o.resourceUrl } : {}),
      onPoll: async () => {
        if (!progress.active) return;
        progress.update('Running', o.detail ? await o.detail().catch(() => []) : []);
      },
    });
  } finally {
    progress.done();
  }
}
