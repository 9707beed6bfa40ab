import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { runningStacks } from '../../stack/up-state.ts';
import type { Command } from '../command.ts';

export const downCommand: Command = {
  name: 'down',
  help: `Usage: kaspi-harness down

Sends SIGTERM to every \`kaspi-harness up\` of this machine (found by the pid it recorded) and waits
until each has stopped its stack.`,
  async run(argv) {
    parseArgs({ args: argv, options: {}, strict: true });
    const stacks = runningStacks();
    if (stacks.length === 0) {
      console.log('No stack is up.');
      return 0;
    }
    for (const record of stacks) process.kill(record.pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (runningStacks().length > 0 && Date.now() < deadline) await sleep(100);
    const left = runningStacks();
    for (const record of stacks) {
      const stopped = !left.some((other) => other.pid === record.pid);
      console.log(`${stopped ? 'stopped' : 'STILL RUNNING'}: run ${record.info.runId} (pid ${record.pid})`);
    }
    return left.length === 0 ? 0 : 1;
  },
};
