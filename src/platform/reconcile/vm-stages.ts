/**
 * The VM lifecycle as data (the KWOK pattern: stages with a delay and a next stage), driven by
 * the agent pool reconciler. A stage whose `action` is `boot` runs the injected boot hook when it
 * falls due (issue 7 plugs real firmware, Secure Boot and measured boot in there); its outcome
 * picks the next stage.
 *
 *   Creating ──vmCreate──▶ Booting ──vmBoot/boot──▶ Running
 *   Running (outdated) ──▶ Reimaging ──vmReimage──▶ Booting
 *   any ──▶ Deleting ──vmDelete──▶ (removed)
 *   Booting ──boot fails──▶ Failed
 */
import type { VmStage } from '../model/types.js';
import type { Timing } from '../timing.js';

export interface StageSpec {
  /** Stage after this one when its delay has passed (null = the VM is removed). */
  readonly next: VmStage | null;
  /** How long the stage lasts. */
  readonly delay: (t: Timing) => number;
  /** `boot` runs the boot hook instead of simply moving on. */
  readonly action?: 'boot';
}

export const STAGES: Partial<Record<VmStage, StageSpec>> = {
  Creating: { next: 'Booting', delay: (t) => t.vmCreateMs },
  Booting: { next: 'Running', delay: (t) => t.vmBootMs, action: 'boot' },
  Reimaging: { next: 'Booting', delay: (t) => t.vmReimageMs },
  Deleting: { next: null, delay: (t) => t.vmDeleteMs },
};

/** Stages a VM rests in until something changes it. */
export const STABLE: ReadonlySet<VmStage> = new Set(['Running', 'Failed', 'Stopped']);

/** When a VM entering `stage` at `now` is due to move on. */
export function dueAt(stage: VmStage, now: number, t: Timing): number | undefined {
  const s = STAGES[stage];
  return s ? now + s.delay(t) : undefined;
}
