/**
 * Runs one test runner (vitest, Playwright) as a child process and resolves with its exit code.
 * Its output goes straight to the terminal, or — when two runners share the terminal — through
 * `output`, which decides when the lines are shown (cli/held-output.ts).
 */
import { spawn } from 'node:child_process';
import { childColourEnv } from '../platform/colour.ts';
import { exitCodeOf } from '../platform/signals.ts';

export interface ChildOutput {
  write(chunk: Buffer | string): void;
}

export async function runChild(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; output?: ChildOutput },
): Promise<number> {
  const { output } = options;
  // A piped child does not see a terminal and would drop its colours: it is told whether ours wants
  // them, as every child is when NO_COLOR or FORCE_COLOR is set.
  const env = childColourEnv(options.env, { piped: output !== undefined });
  const child = spawn(command, args, {
    cwd: options.cwd,
    env,
    stdio: output ? ['inherit', 'pipe', 'pipe'] : 'inherit',
  });
  child.stdout?.on('data', (chunk: Buffer) => output?.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output?.write(chunk));
  // Ctrl-C reaches the child through the terminal's process group; a SIGTERM sent to us alone is passed on.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const ignore = () => undefined;
  process.on('SIGTERM', forward);
  process.on('SIGINT', ignore);
  try {
    return await new Promise<number>((resolvePromise) => {
      child.once('error', (error) => {
        output?.write(`cannot start ${command}: ${error.message}\n`);
        if (!output) console.error(`cannot start ${command}: ${error.message}`);
        resolvePromise(1);
      });
      // 'close', not 'exit': the piped output has been read to its end by then.
      child.once('close', (code, signal) => resolvePromise(code ?? (signal ? exitCodeOf(signal) : 1)));
    });
  } finally {
    process.off('SIGTERM', forward);
    process.off('SIGINT', ignore);
  }
}
