/**
 * What every service and reconciler receives: the store, the injected clock, the timing
 * profile, a logger, id generation (injectable so tests are deterministic), the work queue
 * that wakes reconcilers, and the hooks later layers plug in (the VM boot of issue 7).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { VirtualMachine, AgentPool } from '../model/types.js';
import type { Store, WriteOp } from '../store/store.js';
import type { Timing } from '../timing.js';

export interface BootOutcome {
  readonly ok: boolean;
  /** What the boot produced (vTPM state, logs, diagnostics), committed atomically with the VM's new stage. */
  readonly writes?: readonly WriteOp[];
  /** Why the VM did not boot (shown in provisioning errors and boot diagnostics). */
  readonly failure?: { readonly code: string; readonly message: string };
}

export interface Hooks {
  /** Boot a VM that reached its Booting stage (firmware → OS). Issue 7 makes this a real boot. */
  bootVm?(vm: VirtualMachine, pool: AgentPool): Promise<BootOutcome>;
  /** A VM was deleted: release what it owned (vTPM state, logs, Kubernetes Node). */
  vmDeleted?(vm: VirtualMachine): Promise<void>;
  /**
   * Issue 9: before a VM is reimaged or removed, cordon and drain its Kubernetes Node.
   * Resolves true once the node is drained; false means "not yet, ask again later" (the pool
   * reconciler then leaves the VM as it is for this pass).
   */
  drainVm?(vm: VirtualMachine, reason: 'Reimage' | 'Delete'): Promise<boolean>;
}

export interface Ids {
  uuid(): string;
  /** n lowercase base-36 characters. */
  random(n: number): string;
  /** A random decimal string of n digits (the 8-digit number in AKS node names). */
  digits(n: number): string;
}

export const randomIds: Ids = {
  uuid: () => randomUUID(),
  random: (n) => Array.from(randomBytes(n), (b) => (b % 36).toString(36)).join(''),
  digits: (n) => Array.from(randomBytes(n), (b) => String(b % 10)).join('').replace(/^0/, '1'),
};

export interface WorkQueue {
  /** Ask for `kind/key` to be reconciled soon (deduplicated). */
  enqueue(kind: string, key: string): void;
  /** Ask for `kind/key` to be reconciled at time `at` (clock time). */
  enqueueAt(kind: string, key: string, at: number): void;
}

export interface PlatformContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly timing: Timing;
  readonly log: Logger;
  readonly ids: Ids;
  readonly queue: WorkQueue;
  readonly hooks: Hooks;
  /** Azure regions clusters may be created in. */
  readonly locations: readonly string[];
}
