/**
 * A TpmNvStore backed by one file (for `tl tpm serve --state DIR`): read at power-on, replaced
 * atomically (write to a temporary file, then rename) after each command that changed NV, so a
 * crash never leaves a half-written state.
 */
import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TpmNvStore } from '../sim/platform.js';

export class FileNvStore implements TpmNvStore {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  load(): Uint8Array | undefined {
    return existsSync(this.path) ? new Uint8Array(readFileSync(this.path)) : undefined;
  }

  save(state: Uint8Array): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, state);
    renameSync(tmp, this.path);
  }
}
