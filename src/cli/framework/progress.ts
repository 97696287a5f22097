/**
 * Progress on a terminal, as az shows it while a long-running operation runs: a spinner line
 * (`- Running ..`) rewritten in place on stderr, and optional lines beneath it (per-node
 * progress bars). Nothing is written when stderr is not a terminal or with --only-show-errors.
 */
import type { Sink } from './io.js';

const FRAMES = ['-', '\\', '|', '/'];

export class Progress {
  private frame = 0;
  private lines = 0;
  private readonly enabled: boolean;

  constructor(private readonly out: Sink, o: { quiet: boolean }) {
    this.enabled = out.isTTY && !o.quiet;
  }

  get active(): boolean {
    return this.enabled;
  }

  /** Redraw: the spinner line (`- Running ..`) and any detail lines under it. */
  update(message = 'Running', detail: readonly string[] = []): void {
    if (!this.enabled) return;
    const spin = FRAMES[this.frame++ % FRAMES.length]!;
    const dots = '.'.repeat(2 + (this.frame % 3));
    let s = this.lines > 0 ? `\x1b[${this.lines}A` : '';
    s += `\r\x1b[K${spin} ${message} ${dots}`;
    for (const d of detail) s += `\n\x1b[K${d}`;
    // blank the lines a shorter redraw leaves behind; the cursor stays on the lowest line drawn
    for (let i = detail.length; i < this.lines; i++) s += '\n\x1b[K';
    this.out.write(s);
    this.lines = Math.max(this.lines, detail.length);
  }

  /** Erase everything drawn. */
  done(): void {
    if (!this.enabled) return;
    let s = this.lines > 0 ? `\x1b[${this.lines}A` : '';
    s += '\r\x1b[K';
    for (let i = 0; i < this.lines; i++) s += '\n\x1b[K';
    if (this.lines > 0) s += `\x1b[${this.lines}A`;
    this.out.write(s);
    this.lines = 0;
  }
}

/** A text bar: `[########----] 2/3`. */
export function bar(done: number, total: number, width = 20): string {
  const f = total <= 0 ? width : Math.round((Math.min(done, total) / total) * width);
  return `[${'#'.repeat(f)}${'-'.repeat(width - f)}]`;
}
