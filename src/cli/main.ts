/**
 * The `tl` entry point. The az-compatible command tree (issue 3) grows here; `serve` runs the server.
 */
import { Command } from 'commander';
import { registerServe } from './commands/serve.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('tl').description('Trusted Launch: a local AKS Trusted Launch (ARM API, az-compatible CLI, vTPM, Secure Boot, attestation)');
  registerServe(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    process.stderr.write(`ERROR: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
