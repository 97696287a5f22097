/** Placeholder entry until the CLI framework lands (issue 3). */
export async function main(argv: string[]): Promise<void> {
  process.stderr.write(`tl: not yet implemented: ${argv.join(' ')}\n`);
  process.exitCode = 2;
}
