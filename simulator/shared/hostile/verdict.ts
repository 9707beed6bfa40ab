/**
 * The verdict every hostile test gives a simulator process: each case answered as run.ts requires,
 * no 5xx, no connection closed without an answer, no hang, and the process still running. The
 * tally it logs is the one the simulators' READMEs record.
 */
import { expect } from 'vitest';
import { runHostile, tallyLine, type Target } from './run.ts';
import type { SimProcess } from './sim-process.ts';

export async function expectWithstood(
  sim: SimProcess,
  simulatorName: string,
  seed: number,
  targets: readonly Target[],
): Promise<void> {
  const run = await runHostile(targets, { concurrency: 8, timeoutMs: 20_000 });
  console.log(`hostile input, seed ${seed}:\n  ${tallyLine(simulatorName, run.tally)}`);
  for (const [name, tally] of Object.entries(run.byTarget)) console.log(`    ${tallyLine(name, tally)}`);

  expect(run.failures).toEqual([]);
  expect(run.tally).toMatchObject({ '5xx': 0, 'no reply': 0, hangs: 0 });
  expect(sim.alive(), `the simulator process exited:\n${sim.stderr()}`).toBe(true);
}
