/**
 * Everything a command touches outside itself: the output streams, the environment, the home
 * directory, the clock and whether the streams are terminals. The process gets `processIo()`;
 * tests pass their own (captured streams, a temporary HOME) and run the CLI in-process.
 */
import { homedir } from 'node:os';

export interface Sink {
  write(text: string): void;
  /** True when the stream is a terminal (progress, colour and prompts only then). */
  readonly isTTY: boolean;
}

export interface Io {
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The user's home (`~`): from HOME when set, so tests never touch the real one. */
  readonly home: string;
  readonly cwd: string;
  /** Read one answer line from the terminal (prompts); undefined when stdin is not a terminal. */
  readonly readLine?: (prompt: string) => Promise<string>;
  /** Wait (LRO polling). Tests may shorten it; it never synchronises tests. */
  readonly sleep: (ms: number) => Promise<void>;
}

function sink(stream: NodeJS.WriteStream): Sink {
  return { write: (t) => void stream.write(t), isTTY: stream.isTTY === true };
}

export function processIo(): Io {
  const env = process.env;
  return {
    stdout: sink(process.stdout),
    stderr: sink(process.stderr),
    env,
    home: env.HOME || homedir(),
    cwd: process.cwd(),
    ...(process.stdin.isTTY ? { readLine: readTtyLine } : {}),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

async function readTtyLine(prompt: string): Promise<string> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await new Promise<string>((res) => rl.question(prompt, res));
  } finally {
    rl.close();
  }
}
