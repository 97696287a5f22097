/**
 * Long-running operations (ARM async operation pattern). An operation is created by the
 * request that starts it, moves InProgress → Succeeded | Failed | Canceled exactly once, and is
 * finished by the reconciler that observes its target converge. The transition table is
 * explicit so a finished operation can never be reopened.
 */
import { notFound } from '../errors.js';
import { KIND, keys } from '../model/keys.js';
import type { Operation, OperationStatus } from '../model/types.js';
import type { WriteOp } from '../store/store.js';
import type { PlatformContext } from './context.js';

const TRANSITIONS: Record<OperationStatus, readonly OperationStatus[]> = {
  InProgress: ['InProgress', 'Succeeded', 'Failed', 'Canceled'],
  Succeeded: [],
  Failed: [],
  Canceled: [],
};

export function canTransition(from: OperationStatus, to: OperationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export class OperationService {
  constructor(private readonly ctx: PlatformContext) {}

  /** A new InProgress operation and the write that stores it (to commit with the change it tracks). */
  start(sub: string, location: string, resourceId: string, target: Operation['target'], action: Operation['action']): { op: Operation; write: WriteOp } {
    const op: Operation = { id: this.ctx.ids.uuid(), subscriptionId: sub, location, resourceId, target, action, status: 'InProgress', startTime: this.ctx.clock.now(), percentComplete: 0 };
    return { op, write: { op: 'put', kind: KIND.operation, key: keys.operation(sub, op.id), value: op, expectRev: 0 } };
  }

  async get(sub: string, id: string): Promise<Operation> {
    const rec = await this.ctx.store.get<Operation>(KIND.operation, keys.operation(sub, id));
    if (!rec) throw notFound('NotFound', `Operation ${id} was not found.`);
    return rec.value;
  }

  /**
   * The write that moves operation `id` to `status` (with progress or error), or undefined when
   * it is already finished (the table forbids reopening it).
   */
  async finishWrite(sub: string, id: string, status: OperationStatus, extra: { percentComplete?: number; error?: Operation['error'] } = {}): Promise<WriteOp | undefined> {
    const key = keys.operation(sub, id);
    const rec = await this.ctx.store.get<Operation>(KIND.operation, key);
    if (!rec || !canTransition(rec.value.status, status)) return undefined;
    const done = status !== 'InProgress';
    const next: Operation = {
      ...rec.value,
      status,
      ...(done ? { endTime: this.ctx.clock.now(), percentComplete: status === 'Succeeded' ? 100 : rec.value.percentComplete } : {}),
      ...(extra.percentComplete !== undefined && !done ? { percentComplete: extra.percentComplete } : {}),
      ...(extra.error ? { error: extra.error } : {}),
    };
    if (!done && next.percentComplete === rec.value.percentComplete) return undefined;
    return { op: 'put', kind: KIND.operation, key, value: next, expectRev: rec.rev };
  }
}
