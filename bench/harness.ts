/**
 * Benchmark harness (DESIGN.md §6). Speed is measured here, never in timed tests.
 *
 * Every figure is reported as a ratio to a *limit measured in the same run* on this machine
 * (e.g. node:crypto SHA-256 MB/s, or ECDSA signatures/s), and beside the peer tool where one
 * exists (swtpm, tpm2_eventlog, sbverify, kubectl …). Each bench file exports `run()`, which
 * returns its figures; `bench/run.ts` runs them all and writes `bench/results/<bench>.json`.
 */
import { performance } from 'node:perf_hooks';

export interface Figure {
  /** What was measured, e.g. "quote (ECC P-256, in-process simulator)". */
  name: string;
  value: number;
  unit: string;
  /** The physical limit measured in the same run that this figure is compared to. */
  limit?: { name: string; value: number; unit: string };
  /** value / limit.value (or the inverse for time-like units, so that 1.0 means "at the limit"). */
  ratio?: number;
  /** The same measurement made with the peer tool, in the same unit. */
  peer?: { name: string; value: number; unit: string };
  /** The target from the issue, as text, and whether this run met it. */
  target?: string;
  met?: boolean;
}

export interface BenchModule {
  run(): Promise<Figure[]>;
}

/** Run `fn` repeatedly for at least `minMs` (after a warm-up) and return operations per second. */
export async function opsPerSecond(fn: () => unknown | Promise<unknown>, minMs = 1000, warmup = 20): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    await fn();
    n++;
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

/** Synchronous variant: avoids the await per iteration for cheap synchronous operations. */
export function opsPerSecondSync(fn: () => unknown, minMs = 1000, warmup = 20): number {
  for (let i = 0; i < warmup; i++) fn();
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 16; i++) fn();
    n += 16;
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

/** Percentile (0..100) of a list of samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Time one call in milliseconds. */
export async function timeMs(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
