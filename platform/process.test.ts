/**
 * What an interrupted boot relies on: a command in flight can be aborted, and a run whose groups
 * were killed kills each group started after that too (a start already under way when Ctrl-C came).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordedRun, type RecordedRun } from './leftovers.ts';
import { ManagedProcess, runCollecting, runToCompletion } from './process.ts';
import { newRunId } from './run-dir.ts';

const runs: RecordedRun[] = [];
const processes: ManagedProcess[] = [];

afterEach(async () => {
  await Promise.all(processes.splice(0).map((child) => child.stop(1_000)));
  for (const run of runs.splice(0)) run.remove();
});

function sleeper(run: RecordedRun, name: string): ManagedProcess {
  const child = new ManagedProcess({
    name,
    command: 'sleep',
    args: ['30'],
    logFile: join(run.runDir.logs, `${name}.log`),
  });
  processes.push(child);
  return child;
}

describe('runToCompletion', () => {
  it('an abort kills the command and rejects at once', async () => {
    const controller = new AbortController();
    const begun = Date.now();
    const running = runToCompletion('sleep', ['30'], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('interrupted')), 50);
    await expect(running).rejects.toThrow();
    expect(Date.now() - begun).toBeLessThan(5_000);
  });

  it('an aborted signal starts nothing', async () => {
    await expect(
      runToCompletion('sh', ['-c', 'exit 0'], { signal: AbortSignal.abort(new Error('interrupted')) }),
    ).rejects.toThrow('interrupted');
  });
});

describe('runCollecting', () => {
  it('a command that exits without reading its input is no error of the caller (no EPIPE)', async () => {
    const result = await runCollecting('sh', ['-c', 'echo done; exit 3'], { input: 'x'.repeat(4 << 20) });
    expect(result).toEqual({ code: 3, stdout: 'done\n', stderr: '' });
  });
});

describe('recordedRun.killRecorded', () => {
  it('kills the groups recorded so far, and every group recorded after it', async () => {
    const run = recordedRun(newRunId());
    runs.push(run);
    const before = sleeper(run, 'before');
    run.killRecorded();
    expect((await before.exited).signal).toBe('SIGKILL');
    const after = sleeper(run, 'after');
    const exit = await Promise.race([after.exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    expect(exit, 'a group started after the kill is killed too').toEqual({ code: null, signal: 'SIGKILL' });
  });
});
