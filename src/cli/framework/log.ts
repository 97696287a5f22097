/**
 * az's logger on stderr: `WARNING: …`, `INFO: …` (with --verbose or --debug), `DEBUG: …` (with
 * --debug), `ERROR: …`. --only-show-errors hides warnings. Data never goes here; it goes to stdout.
 */
import type { Sink } from './io.js';

export interface Logger {
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  error(message: string): void;
  readonly debugEnabled: boolean;
}

export function createLogger(stderr: Sink, o: { verbose: boolean; debug: boolean; onlyShowErrors: boolean }): Logger {
  const line = (level: string, m: string) => stderr.write(`${level}: ${m}\n`);
  return {
    warn: (m) => (o.onlyShowErrors ? undefined : line('WARNING', m)),
    info: (m) => (o.verbose || o.debug ? line('INFO', m) : undefined),
    debug: (m) => (o.debug ? line('DEBUG', m) : undefined),
    error: (m) => line('ERROR', m),
    debugEnabled: o.debug,
  };
}
