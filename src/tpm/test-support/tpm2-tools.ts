/**
 * Test support: run Debian's tpm2-tools (5.4) against a TPM reachable with the `swtpm:` TCTI.
 * tpm2-tools has no resource manager on that TCTI and leaves transient objects loaded, so the
 * flows flush after each step (reference doc §1.4 gotcha).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ToolResult {
  stdout: string;
  stderr: string;
  code: number;
}

export class Tools {
  readonly tcti: string;
  readonly cwd: string;

  constructor(host: string, port: number, cwd: string) {
    this.tcti = `swtpm:host=${host},port=${port}`;
    this.cwd = cwd;
  }

  /** Run one tool; never throws for a non-zero exit (the code is returned). */
  async run(tool: string, ...args: string[]): Promise<ToolResult> {
    try {
      const { stdout, stderr } = await run(tool, args, { cwd: this.cwd, env: { ...process.env, TPM2TOOLS_TCTI: this.tcti }, maxBuffer: 1 << 22 });
      return { stdout, stderr, code: 0 };
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; code?: number };
      return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: typeof err.code === 'number' ? err.code : -1 };
    }
  }

  /** Run a tool that must succeed; throws with its stderr otherwise. */
  async ok(tool: string, ...args: string[]): Promise<string> {
    const r = await this.run(tool, ...args);
    if (r.code !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }

  /** Flush transient objects and loaded/saved sessions. */
  async flush(): Promise<void> {
    await this.ok('tpm2_flushcontext', '-t');
    await this.ok('tpm2_flushcontext', '-l');
    await this.ok('tpm2_flushcontext', '-s');
  }
}
