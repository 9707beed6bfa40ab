/**
 * A simulator as an outside tester starts it: `kaspi-harness sim … --json` in a process of its own,
 * so that a crash is a process that exited (and says why on stderr), not a failed test worker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { running, type Running } from '../../../platform/lifecycle.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

/** `stop()` sends SIGTERM (it stops what it started), SIGKILL after 10 s, and resolves once it exited. */
export interface SimProcess extends Running {
  /** The `--json` ready line: the simulator's URLs. */
  ready: Record<string, unknown>;
  /** Whether it is still running. */
  alive(): boolean;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
}

export async function startSimProcess(args: readonly string[]): Promise<SimProcess> {
  const child: ChildProcess = spawn(process.execPath, ['cli/bin.mjs', 'sim', ...args, '--json'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout! });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (!alive()) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`sim ${args.join(' ')}: no ready line within 60 s`));
      // A start that fails leaves nothing running.
      void stop();
    }, 60_000);
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`sim ${args.join(' ')} exited before it was ready:\n${stderr}`));
    });
  });
  return running<SimProcess>({ ready, alive, stderr: () => stderr }, stop);
}
