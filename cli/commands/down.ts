import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { stackGone, type UpRecord } from '../../stack/up-state.ts';
import { integerFlag, UsageError, type Command } from '../command.ts';
import { describeStack, upStacks } from '../up-stacks.ts';

/** A stack stops its services before its process ends; a docker stack's compose down takes longest. */
const stopTimeoutMs = 60_000;

async function stop(stacks: readonly UpRecord[]): Promise<number> {
  for (const record of stacks) {
    console.log(`stopping ${describeStack(record)}…`);
    process.kill(record.pid, 'SIGTERM');
  }
  const deadline = Date.now() + stopTimeoutMs;
  while (stacks.some((record) => !stackGone(record)) && Date.now() < deadline) await sleep(100);
  let left = 0;
  for (const record of stacks) {
    const stopped = stackGone(record);
    if (!stopped) left += 1;
    console.log(`${stopped ? 'stopped' : 'STILL RUNNING'}: run ${record.info.runId} (pid ${record.pid})`);
  }
  return left === 0 ? 0 : 1;
}

export const downCommand: Command = {
  name: 'down',
  help: `Usage: kaspi-harness down [--all | --pid N]

Stops the stack that \`kaspi-harness up\` started from this working directory: sends its process
SIGTERM and waits until it has stopped every service (up to a minute).

With no stack up from here it says so and stops nothing (exit code 0); when stacks are up from other
directories, it lists them: stop them with --all or --pid N.

Options:
  --all      stop every stack \`kaspi-harness up\` started on this machine (of this user)
  --pid N    stop the stack of that \`kaspi-harness up\` process (\`kaspi-harness status --all\` lists them)

Exit code: 0 when what was asked for is stopped (or nothing was up), 1 when a stack is still running.`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { all: { type: 'boolean', default: false }, pid: { type: 'string' } },
      strict: true,
    });
    const pid = integerFlag('pid', values.pid);
    if (values.all && pid !== undefined) throw new UsageError('--all or --pid, not both');
    const { here, elsewhere } = upStacks();
    const all = [...here, ...elsewhere];
    if (pid !== undefined) {
      const named = all.filter((record) => record.pid === pid);
      if (named.length === 0) {
        console.log(`No \`kaspi-harness up\` with pid ${pid} is running.`);
        return 1;
      }
      return stop(named);
    }
    const chosen = values.all ? all : here;
    if (chosen.length > 0) return stop(chosen);
    if (all.length === 0) {
      console.log('No stack is up.');
      return 0;
    }
    console.log(`No stack is up from ${process.cwd()}. Up from elsewhere:`);
    for (const record of elsewhere) console.log(`  ${describeStack(record)}`);
    console.log('Stop them with `kaspi-harness down --all`, or one with `kaspi-harness down --pid N`.');
    return 0;
  },
};
