/**
 * Waiting for a long-running operation the way az (azure-core's ARM polling) does:
 *   PUT → 200/201 + Azure-AsyncOperation: poll it until Succeeded/Failed/Canceled, then GET the
 *         resource (ARM's final state for PUT is the resource URL);
 *   DELETE/POST → 202 + Location (and/or Azure-AsyncOperation): poll until 200/204;
 *   the wait between polls is the server's Retry-After (50 ms when it says 0).
 * A failed operation is reported with its error, in az's `(Code) Message` layout.
 */
import { ArmError, type CloudErrorBody } from '../framework/errors.js';
import type { Io } from '../framework/io.js';
import type { ArmClient, ArmResponse } from './arm.js';

export interface Poll {
  /** Called after each status poll (progress display). */
  readonly onPoll?: (status: { status: string; percentComplete?: number }) => Promise<void> | void;
}

const header = (r: ArmResponse, name: string): string | undefined => {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function delayOf(r: ArmResponse): number {
  const s = Number(header(r, 'retry-after') ?? '0');
  return Number.isFinite(s) && s > 0 ? s * 1000 : 50;
}

/** Wait until the operation started by `first` ends; returns the final resource for PUT, else undefined. */
export async function waitForOperation(arm: ArmClient, io: Pick<Io, 'sleep'>, first: ArmResponse, o: Poll & { resourceUrl?: string; apiVersion: string }): Promise<any> {
  const asyncOp = header(first, 'azure-asyncoperation');
  const location = header(first, 'location');
  if (asyncOp) {
    let wait = delayOf(first);
    for (;;) {
      await io.sleep(wait);
      const r = await arm.send('GET', asyncOp);
      const st = r.json as { status?: string; percentComplete?: number; error?: CloudErrorBody };
      await o.onPoll?.({ status: st.status ?? 'InProgress', ...(st.percentComplete !== undefined ? { percentComplete: st.percentComplete } : {}) });
      if (st.status === 'Succeeded') break;
      if (st.status === 'Failed' || st.status === 'Canceled') {
        throw new ArmError(500, st.error ?? { code: st.status, message: `The operation ${st.status.toLowerCase()}.` });
      }
      wait = delayOf(r);
    }
  } else if (location && first.status === 202) {
    let wait = delayOf(first);
    for (;;) {
      await io.sleep(wait);
      const r = await arm.send('GET', location);
      await o.onPoll?.({ status: r.status === 202 ? 'InProgress' : 'Succeeded' });
      if (r.status !== 202) break;
      wait = delayOf(r);
    }
  }
  if (!o.resourceUrl) return undefined;
  return arm.get(o.resourceUrl, o.apiVersion);
}
